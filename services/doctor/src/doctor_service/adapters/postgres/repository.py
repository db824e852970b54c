"""Translates between Doctor-MS rows and domain objects; the unit of work over one session."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, Select, func, insert, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from doctor_service.adapters.postgres.catalog_copy import CatalogCopy
from doctor_service.adapters.postgres.models import (
    AccountEventsCursorRow,
    DoctorRow,
    DoctorSpecializationRow,
    SpecializationRow,
    TimeOffRow,
    doctor_outbox,
)
from doctor_service.domain.doctor import DOCTOR_ROLE, Doctor, DoctorListing, Specialization
from doctor_service.domain.events import DoctorEvent
from doctor_service.ports import (
    AccountEventsCursor,
    DirectoryCache,
    DirectoryQuery,
    DoctorRepository,
    DoctorUnitOfWork,
    Outbox,
    SpecializationRepository,
)
from hospital_shared.db import SqlAlchemyUnitOfWork
from hospital_shared.errors import Conflict
from hospital_shared.paging import Page, paginate
from hospital_shared.schedule import TimeOff, TimeOffKind, WeeklySchedule, WorkingWindow


def _time_off_to_domain(row: TimeOffRow) -> TimeOff:
    window = None
    if row.start_minute is not None and row.end_minute is not None:
        window = WorkingWindow(row.start_minute, row.end_minute)
    return TimeOff(row.id, TimeOffKind(row.kind), row.start_date, row.end_date, window, row.reason)


def _doctor_to_domain(row: DoctorRow) -> Doctor:
    entries = sorted(
        (_time_off_to_domain(t) for t in row.time_off),
        key=lambda e: (e.start_date, e.window.start_minute if e.window else -1),
    )
    return Doctor(
        id=row.id,
        user_id=row.user_id,
        full_name=row.full_name,
        specializations=tuple(link.specialization_slug for link in row.specialization_links),
        schedule=WeeklySchedule.from_document(row.schedule),
        bio=row.bio,
        languages=tuple(row.languages),
        clinic=row.clinic,
        location=row.location,
        photo_url=row.photo_url,
        accepting_new_patients=row.accepting_new_patients,
        time_off=entries,
        version=row.version,
        schedule_version=row.schedule_version,
        active=row.active,
        account_disabled=row.account_disabled,
        account_role=row.account_role,
        updated_at=row.updated_at,
    )


def _copy_fields(doctor: Doctor, row: DoctorRow) -> None:
    row.full_name = doctor.full_name
    row.bio = doctor.bio
    row.languages = list(doctor.languages)
    row.clinic = doctor.clinic
    row.location = doctor.location
    row.time_zone = doctor.time_zone
    row.photo_url = doctor.photo_url
    row.accepting_new_patients = doctor.accepting_new_patients
    row.active = doctor.active
    row.account_disabled = doctor.account_disabled
    row.account_role = doctor.account_role
    row.schedule = doctor.schedule.to_document()
    row.schedule_version = doctor.schedule_version
    row.version = doctor.version


def _sync_specializations(doctor: Doctor, row: DoctorRow) -> None:
    wanted = {slug: position for position, slug in enumerate(doctor.specializations)}
    for link in list(row.specialization_links):
        if link.specialization_slug in wanted:
            link.position = wanted.pop(link.specialization_slug)
        else:
            row.specialization_links.remove(link)
    for slug, position in wanted.items():
        row.specialization_links.append(DoctorSpecializationRow(specialization_slug=slug, position=position))


def _sync_time_off(doctor: Doctor, row: DoctorRow) -> None:
    wanted = {entry.id: entry for entry in doctor.time_off}
    for existing in list(row.time_off):
        if existing.id not in wanted:
            row.time_off.remove(existing)
        else:
            wanted.pop(existing.id)  # entries never change in place: they are added or removed
    for entry in wanted.values():
        row.time_off.append(
            TimeOffRow(
                id=entry.id,
                kind=entry.kind.value,
                start_date=entry.start_date,
                end_date=entry.end_date,
                start_minute=entry.window.start_minute if entry.window else None,
                end_minute=entry.window.end_minute if entry.window else None,
                reason=entry.reason,
            )
        )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlSpecializationRepository(SpecializationRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> list[Specialization]:
        rows = self._session.scalars(select(SpecializationRow).order_by(SpecializationRow.name))
        return [Specialization(r.slug, r.name, r.default_duration_minutes, r.description) for r in rows]

    def add(self, specialization: Specialization) -> None:
        self._session.add(
            SpecializationRow(
                slug=specialization.slug,
                name=specialization.name,
                default_duration_minutes=specialization.default_duration_minutes,
                description=specialization.description,
            )
        )


class SqlDoctorRepository(DoctorRepository):
    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[uuid.UUID, DoctorRow] = {}

    def _one(self, query: Select[tuple[DoctorRow]], *, for_update: bool) -> Doctor | None:
        if for_update:
            query = query.with_for_update(of=DoctorRow)
        row = self._session.scalars(query).first()
        if row is None:
            return None
        self._rows[row.id] = row
        return _doctor_to_domain(row)

    def add(self, doctor: Doctor) -> None:
        row = DoctorRow(id=doctor.id, user_id=doctor.user_id)
        _copy_fields(doctor, row)
        _sync_specializations(doctor, row)
        _sync_time_off(doctor, row)
        self._session.add(row)
        try:
            self._session.flush()
        except IntegrityError as error:  # a concurrent create for the same user won the race
            raise Conflict(
                "This user already has a doctor profile.", errors={"user_id": ["Already a doctor."]}
            ) from error
        self._rows[doctor.id] = row
        doctor.updated_at = row.updated_at

    def get(self, doctor_id: uuid.UUID, *, for_update: bool = False) -> Doctor | None:
        return self._one(select(DoctorRow).where(DoctorRow.id == doctor_id), for_update=for_update)

    def get_by_user(self, user_id: uuid.UUID, *, for_update: bool = False) -> Doctor | None:
        return self._one(select(DoctorRow).where(DoctorRow.user_id == user_id), for_update=for_update)

    def save(self, doctor: Doctor) -> None:
        row = self._rows.get(doctor.id) or self._session.get(DoctorRow, doctor.id)
        if row is None:
            raise LookupError(f"doctor {doctor.id} was not loaded from this repository")
        _copy_fields(doctor, row)
        _sync_specializations(doctor, row)
        _sync_time_off(doctor, row)
        self._session.flush()
        doctor.updated_at = row.updated_at

    def search(self, query: DirectoryQuery) -> Page[DoctorListing]:
        # Only the listed columns: no schedule, no ORM objects.
        if query.updated_since is not None:
            # A sync's order: what changed first comes first; id breaks ties, so pages never shuffle.
            order = (DoctorRow.updated_at, DoctorRow.id)
        else:
            order = (DoctorRow.full_name, DoctorRow.id)
        stmt = select(*_LISTING_COLUMNS).where(*_conditions(query)).order_by(*order)
        return paginate(self._session, stmt, page=query.page, page_size=query.page_size, to_item=_listing)


def _conditions(query: DirectoryQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.specialization:
        linked = select(DoctorSpecializationRow.doctor_id).where(
            DoctorSpecializationRow.specialization_slug == query.specialization
        )
        conditions.append(DoctorRow.id.in_(linked))
    for word in (query.text or "").split()[:5]:
        pattern = f"%{_escape_like(word)}%"
        conditions.append(
            or_(
                DoctorRow.full_name.ilike(pattern, escape="\\"),
                DoctorRow.clinic.ilike(pattern, escape="\\"),
                DoctorRow.location.ilike(pattern, escape="\\"),
            )
        )
    if query.accepting_only:
        conditions.append(DoctorRow.accepting_new_patients.is_(True))
    if not query.include_unlisted:
        conditions.extend(
            [
                DoctorRow.active.is_(True),
                DoctorRow.account_disabled.is_(False),
                DoctorRow.account_role == DOCTOR_ROLE,
            ]
        )
    if query.updated_since is not None:
        conditions.append(DoctorRow.updated_at >= query.updated_since)
    return conditions


_SPECIALIZATION_SLUGS = (
    select(
        func.array_agg(
            aggregate_order_by(DoctorSpecializationRow.specialization_slug, DoctorSpecializationRow.position)
        )
    )
    .where(DoctorSpecializationRow.doctor_id == DoctorRow.id)
    .scalar_subquery()
    .label("specializations")
)
_LISTING_COLUMNS = (
    DoctorRow.id,
    DoctorRow.user_id,
    DoctorRow.full_name,
    _SPECIALIZATION_SLUGS,
    DoctorRow.bio,
    DoctorRow.languages,
    DoctorRow.clinic,
    DoctorRow.location,
    DoctorRow.time_zone,
    DoctorRow.photo_url,
    DoctorRow.accepting_new_patients,
    DoctorRow.version,
    DoctorRow.active,
    DoctorRow.account_disabled,
    DoctorRow.account_role,
    DoctorRow.updated_at,
)


def _listing(row: Row[Any]) -> DoctorListing:
    return DoctorListing(
        id=row.id,
        user_id=row.user_id,
        full_name=row.full_name,
        specializations=tuple(row.specializations or ()),
        bio=row.bio,
        languages=tuple(row.languages),
        clinic=row.clinic,
        location=row.location,
        time_zone=row.time_zone,
        photo_url=row.photo_url,
        accepting_new_patients=row.accepting_new_patients,
        version=row.version,
        active=row.active,
        account_disabled=row.account_disabled,
        account_role=row.account_role,
        updated_at=row.updated_at,
    )


class SqlAccountEventsCursor(AccountEventsCursor):
    def __init__(self, session: Session) -> None:
        self._session = session

    def cursor(self, stream: str, *, for_update: bool = False) -> str | None:
        query = select(AccountEventsCursorRow.last_id).where(AccountEventsCursorRow.stream == stream)
        return self._session.scalar(query.with_for_update() if for_update else query)

    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None:
        statement = pg_insert(AccountEventsCursorRow).values(
            stream=stream, last_id=last_id, events_applied=applied
        )
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[AccountEventsCursorRow.stream],
                set_={
                    "last_id": last_id,
                    "events_applied": AccountEventsCursorRow.events_applied + applied,
                    "updated_at": func.now(),
                },
            )
        )


class SqlOutbox(Outbox):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: DoctorEvent) -> None:
        self._session.execute(
            insert(doctor_outbox).values(
                event_id=event.event_id,
                event_type=event.type.value,
                aggregate_id=event.doctor_id,
                version=event.version,
                payload=event.payload,
                occurred_at=event.occurred_at,
            )
        )


class SqlDoctorUnitOfWork(SqlAlchemyUnitOfWork, DoctorUnitOfWork):
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        directory: DirectoryCache,
        catalog_copy: CatalogCopy | None = None,
    ) -> None:
        super().__init__(session_factory)
        self.directory = directory
        self._catalog_copy = catalog_copy

    def _start(self, session: Session) -> None:
        self.doctors = SqlDoctorRepository(session)
        self.specializations = SqlSpecializationRepository(session)
        self.outbox = SqlOutbox(session)
        self.account_cursor = SqlAccountEventsCursor(session)

    def catalog(self) -> dict[str, Specialization]:
        if self._catalog_copy is None:
            return super().catalog()
        return self._catalog_copy.get(super().catalog)
