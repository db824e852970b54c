"""Translates between Appointment-MS's tables and its domain objects."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from appointment_service.adapters.postgres.models import (
    ACTIVE_STATUSES,
    AppointmentRow,
    DoctorRow,
    IdempotencyKeyRow,
    MailOutboxRow,
    ProjectionCursorRow,
    WebhookEventRow,
)
from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.slots import Busy, DoctorLoad
from appointment_service.domain.system import BookingCounts
from appointment_service.ports import (
    AppointmentFilter,
    AppointmentRepository,
    AppointmentUnitOfWork,
    DoctorDirectory,
    EventOutbox,
    IdempotencyKeys,
    MailOutbox,
    StoredAnswer,
)
from hospital_shared.db import SqlAlchemyUnitOfWork
from hospital_shared.paging import Page, paginate

# Core tables for the booking path's writes: no ORM bookkeeping for statements that load no objects.
APPOINTMENTS = AppointmentRow.__table__
IDEMPOTENCY_KEYS = IdempotencyKeyRow.__table__
MAIL_OUTBOX = MailOutboxRow.__table__
WEBHOOK_EVENTS = WebhookEventRow.__table__

# Appointments that show the patient has seen the doctor (for doctors not accepting new patients).
SEEN_STATUSES = ("booked", "completed")
# Appointments that make a patient the doctor's patient (for reading their profile).
RELATIONSHIP_STATUSES = ("booked", "completed", "cancelled", "rescheduled")


def _to_domain(row: AppointmentRow) -> Appointment:
    return Appointment(
        id=row.id,
        patient_id=row.patient_id,
        doctor_id=row.doctor_id,
        start=row.starts_at,
        end=row.ends_at,
        status=AppointmentStatus(row.status),
        reason=row.reason,
        appointment_type=row.appointment_type,
        specialization=row.specialization,
        blocked_until=row.blocked_until,
        hold_expires_at=row.hold_expires_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_by,
        cancelled_by_role=row.cancelled_by_role,
        cancel_reason=row.cancel_reason,
        rescheduled_from=row.rescheduled_from,
        rescheduled_to=row.rescheduled_to,
        claim_token_hash=row.claim_token_hash,
        guest_key=row.guest_key,
    )


def _live(now: datetime) -> Any:
    """Active rows that really hold time now: booked, or held and not yet expired."""
    return or_(
        AppointmentRow.status == AppointmentStatus.BOOKED.value,
        and_(AppointmentRow.status == AppointmentStatus.HELD.value, AppointmentRow.hold_expires_at > now),
    )


class SqlAppointmentRepository(AppointmentRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_if_free(self, appointment: Appointment) -> bool:
        statement = (
            insert(APPOINTMENTS)
            .values(
                id=appointment.id,
                patient_id=appointment.patient_id,
                doctor_id=appointment.doctor_id,
                starts_at=appointment.start,
                ends_at=appointment.end,
                blocked_until=appointment.blocked_until,
                status=appointment.status.value,
                reason=appointment.reason,
                appointment_type=appointment.appointment_type,
                specialization=appointment.specialization,
                hold_expires_at=appointment.hold_expires_at,
                rescheduled_from=appointment.rescheduled_from,
                claim_token_hash=appointment.claim_token_hash,
                guest_key=appointment.guest_key,
            )
            # No conflict target: covers both exclusion constraints, and never raises or deadlocks.
            .on_conflict_do_nothing()
            .returning(APPOINTMENTS.c.id, APPOINTMENTS.c.created_at, APPOINTMENTS.c.updated_at)
        )
        inserted = self._session.connection().execute(statement).first()
        if inserted is not None:
            appointment.created_at, appointment.updated_at = inserted.created_at, inserted.updated_at
        return inserted is not None

    def expire_holds(
        self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID, start: datetime, end: datetime, now: datetime
    ) -> int:
        overlapping = and_(AppointmentRow.starts_at < end, AppointmentRow.blocked_until > start)
        result = self._session.connection().execute(
            update(AppointmentRow)
            .where(
                AppointmentRow.status == AppointmentStatus.HELD.value,
                AppointmentRow.hold_expires_at <= now,
                or_(AppointmentRow.doctor_id == doctor_id, AppointmentRow.patient_id == patient_id),
                overlapping,
            )
            .values(status=AppointmentStatus.EXPIRED.value, updated_at=func.now())
        )
        return result.rowcount or 0

    def overlapping_owner(self, appointment: Appointment, *, now: datetime) -> str | None:
        doctor_clash = select(literal("doctor")).where(
            AppointmentRow.doctor_id == appointment.doctor_id,
            AppointmentRow.status.in_(ACTIVE_STATUSES),
            AppointmentRow.starts_at < appointment.blocked_until,
            AppointmentRow.blocked_until > appointment.start,
        )
        if self._session.execute(doctor_clash.limit(1)).first():
            return "doctor"
        patient_clash = select(literal("patient")).where(
            AppointmentRow.patient_id == appointment.patient_id,
            AppointmentRow.status.in_(ACTIVE_STATUSES),
            AppointmentRow.starts_at < appointment.end,
            AppointmentRow.ends_at > appointment.start,
        )
        if self._session.execute(patient_clash.limit(1)).first():
            return "patient"
        return None

    def get(self, appointment_id: uuid.UUID, *, for_update: bool = False) -> Appointment | None:
        query = select(AppointmentRow).where(AppointmentRow.id == appointment_id)
        row = self._session.scalars(query.with_for_update() if for_update else query).first()
        return _to_domain(row) if row else None

    def save(self, appointment: Appointment) -> None:
        appointment.updated_at = self._session.connection().scalar(
            update(AppointmentRow)
            .where(AppointmentRow.id == appointment.id)
            .values(
                status=appointment.status.value,
                reason=appointment.reason,
                hold_expires_at=appointment.hold_expires_at,
                cancelled_at=appointment.cancelled_at,
                cancelled_by=appointment.cancelled_by,
                cancelled_by_role=appointment.cancelled_by_role,
                cancel_reason=appointment.cancel_reason,
                rescheduled_to=appointment.rescheduled_to,
                updated_at=func.now(),
            )
            .returning(AppointmentRow.updated_at)
        )

    def claim(self, appointment_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        # A savepoint: the patient rule (exclusion constraint) may refuse the new owner; the rest of the
        # transaction stays usable and the caller answers 409.
        try:
            with self._session.begin_nested():
                self._session.connection().execute(
                    update(AppointmentRow)
                    .where(AppointmentRow.id == appointment_id)
                    .values(patient_id=patient_id, claim_token_hash=None, updated_at=func.now())
                )
        except IntegrityError:
            return False
        return True

    def live_guest_holds(self, guest_key: str, *, now: datetime) -> int:
        return (
            self._session.scalar(
                select(func.count())
                .select_from(AppointmentRow)
                .where(
                    AppointmentRow.guest_key == guest_key,
                    AppointmentRow.status == AppointmentStatus.HELD.value,
                    AppointmentRow.hold_expires_at > now,
                )
            )
            or 0
        )

    def busy(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, list[Busy]]:
        if not doctor_ids:
            return {}
        rows = self._session.execute(
            select(AppointmentRow.doctor_id, AppointmentRow.starts_at, AppointmentRow.blocked_until)
            .where(
                AppointmentRow.doctor_id.in_(doctor_ids),
                AppointmentRow.status.in_(ACTIVE_STATUSES),
                _live(now),
                AppointmentRow.starts_at < end,
                AppointmentRow.blocked_until > start,
            )
            .order_by(AppointmentRow.doctor_id, AppointmentRow.starts_at)
        )
        busy: dict[uuid.UUID, list[Busy]] = {}
        for doctor_id, starts_at, blocked_until in rows:
            busy.setdefault(doctor_id, []).append(Busy(starts_at, blocked_until))
        return busy

    def loads(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, DoctorLoad]:
        if not doctor_ids:
            return {}
        a = AppointmentRow
        inside = and_(a.status == AppointmentStatus.BOOKED.value, a.starts_at < end, a.ends_at > start)
        booked_seconds = func.coalesce(
            func.sum(
                func.extract("epoch", func.least(a.ends_at, end) - func.greatest(a.starts_at, start))
            ).filter(inside),
            0,
        )
        rows = self._session.execute(
            select(a.doctor_id, booked_seconds, func.max(a.created_at))
            .where(a.doctor_id.in_(doctor_ids), a.status.in_(SEEN_STATUSES))
            .group_by(a.doctor_id)
        )
        return {
            doctor_id: DoctorLoad(booked_minutes=int(seconds) // 60, last_booked_at=last)
            for doctor_id, seconds, last in rows
        }

    def doctors_seen_by(self, patient_id: uuid.UUID) -> frozenset[uuid.UUID]:
        rows = self._session.scalars(
            select(AppointmentRow.doctor_id)
            .where(AppointmentRow.patient_id == patient_id, AppointmentRow.status.in_(SEEN_STATUSES))
            .distinct()
        )
        return frozenset(rows)

    def has_relationship(self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        query = select(AppointmentRow.id).where(
            AppointmentRow.doctor_id == doctor_id,
            AppointmentRow.patient_id == patient_id,
            AppointmentRow.status.in_(RELATIONSHIP_STATUSES),
        )
        return self._session.execute(query.limit(1)).first() is not None

    def list(self, where: AppointmentFilter, *, page: int, page_size: int) -> Page[Appointment]:
        a = AppointmentRow
        conditions = []
        if where.patient_id is not None:
            conditions.append(a.patient_id == where.patient_id)
        if where.doctor_id is not None:
            conditions.append(a.doctor_id == where.doctor_id)
        if where.start is not None:
            conditions.append(a.ends_at > where.start)
        if where.end is not None:
            conditions.append(a.starts_at < where.end)
        if where.statuses:
            conditions.append(a.status.in_(where.statuses))
        if where.updated_since is not None:
            conditions.append(a.updated_at >= where.updated_since)
        if where.updated_since is not None:
            order = (a.updated_at, a.id)  # a stable order for mirroring: page after page, nothing skipped
        else:
            order = (a.starts_at.desc() if where.newest_first else a.starts_at, a.id)
        stmt = select(a).where(*conditions).order_by(*order)
        return paginate(self._session, stmt, page=page, page_size=page_size, to_item=_to_domain)

    def booking_counts(self, *, start: datetime, end: datetime) -> BookingCounts:
        a = AppointmentRow
        # A hold keeps its expiry unless confirmed; a reschedule's new appointment names the one it replaces.
        created = and_(
            a.created_at >= start,
            a.created_at < end,
            a.hold_expires_at.is_(None),
            a.rescheduled_from.is_(None),
        )
        starting = and_(a.starts_at >= start, a.starts_at < end, a.status.in_(SEEN_STATUSES))
        row = self._session.execute(
            select(func.count().filter(created), func.count().filter(starting)).where(or_(created, starting))
        ).one()
        return BookingCounts(created=row[0], starting=row[1])


class ParsedDoctors:
    """Doctors parsed from their snapshots, per process, keyed by (id, version).

    Only a speed-up: every lookup first asks the database which version is current, so a replica never
    answers from an outdated copy."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._items: OrderedDict[tuple[uuid.UUID, int], BookableDoctor] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, doctor_id: uuid.UUID, version: int) -> BookableDoctor | None:
        with self._lock:
            return self._items.get((doctor_id, version))

    def put(self, doctor: BookableDoctor) -> None:
        with self._lock:
            self._items[(doctor.id, doctor.version)] = doctor
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


class SqlDoctorDirectory(DoctorDirectory):
    def __init__(self, session: Session, parsed: ParsedDoctors) -> None:
        self._session = session
        self._parsed = parsed

    def _load(self, condition: Any) -> list[BookableDoctor]:
        current = self._session.execute(select(DoctorRow.id, DoctorRow.version).where(condition)).all()
        found: dict[uuid.UUID, BookableDoctor] = {}
        missing = []
        for doctor_id, version in current:
            cached = self._parsed.get(doctor_id, version)
            if cached is None:
                missing.append(doctor_id)
            else:
                found[doctor_id] = cached
        if missing:
            rows = self._session.execute(
                select(DoctorRow.id, DoctorRow.version, DoctorRow.snapshot).where(DoctorRow.id.in_(missing))
            )
            for doctor_id, version, snapshot in rows:
                doctor = BookableDoctor.from_snapshot(snapshot, version=version)
                self._parsed.put(doctor)
                found[doctor_id] = doctor
        return [found[doctor_id] for doctor_id, _ in current if doctor_id in found]

    def get(self, doctor_id: uuid.UUID) -> BookableDoctor | None:
        doctors = self._load(and_(DoctorRow.id == doctor_id, DoctorRow.active))
        return doctors[0] if doctors else None

    def by_user(self, user_id: uuid.UUID) -> BookableDoctor | None:
        doctors = self._load(DoctorRow.user_id == user_id)
        return doctors[0] if doctors else None

    def with_specialization(self, slug: str) -> list[BookableDoctor]:
        return self._load(and_(DoctorRow.specializations.contains([slug]), DoctorRow.active))

    def known_specializations(self) -> set[str]:
        return set(self._session.scalars(select(func.unnest(DoctorRow.specializations)).distinct()))

    def snapshot_of(self, doctor_id: uuid.UUID) -> dict[str, Any] | None:
        return self._session.scalar(select(DoctorRow.snapshot).where(DoctorRow.id == doctor_id))

    def apply(self, *, doctor_id: uuid.UUID, version: int, snapshot: dict[str, Any]) -> set[str] | None:
        stored = self._session.execute(
            select(DoctorRow.version, DoctorRow.specializations)
            .where(DoctorRow.id == doctor_id)
            .with_for_update()
        ).first()
        if stored is not None and stored.version >= version:
            return None
        doctor = snapshot["doctor"]
        slugs = [s["slug"] for s in doctor["specializations"]]
        values = {
            "user_id": uuid.UUID(doctor["user_id"]),
            "full_name": doctor["full_name"],
            "specializations": slugs,
            "languages": list(doctor.get("languages") or []),
            "time_zone": doctor["time_zone"],
            "accepting_new_patients": bool(doctor.get("accepting_new_patients", True)),
            "active": bool(doctor.get("active", True)),
            "snapshot": snapshot,
            "version": version,
            "updated_at": func.now(),
        }
        statement = insert(DoctorRow).values(id=doctor_id, **values)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[DoctorRow.id],
                set_=values,
                where=DoctorRow.version < statement.excluded.version,
            )
        )
        return set(slugs) | set(stored.specializations if stored else [])

    def cursor(self, stream: str, *, for_update: bool = False) -> str | None:
        query = select(ProjectionCursorRow.last_id).where(ProjectionCursorRow.stream == stream)
        return self._session.scalar(query.with_for_update() if for_update else query)

    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None:
        statement = insert(ProjectionCursorRow).values(stream=stream, last_id=last_id, events_applied=applied)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ProjectionCursorRow.stream],
                set_={
                    "last_id": last_id,
                    "events_applied": ProjectionCursorRow.events_applied + applied,
                    "updated_at": func.now(),
                },
            )
        )


class SqlIdempotencyKeys(IdempotencyKeys):
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(
        self,
        *,
        user_id: uuid.UUID,
        key: str,
        request_hash: str,
        status_code: int | None = None,
        response: dict[str, Any] | None = None,
    ) -> StoredAnswer | None:
        values = {"user_id": user_id, "key": key, "request_hash": request_hash}
        statement = insert(IDEMPOTENCY_KEYS).values(**values, status_code=status_code, response=response)
        taken = (
            self._session.connection()
            .execute(statement.on_conflict_do_nothing().returning(IDEMPOTENCY_KEYS.c.key))
            .first()
        )
        if taken is not None:
            return None
        row = self._session.execute(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.user_id == user_id, IdempotencyKeyRow.key == key
            )
        ).scalar_one()
        return StoredAnswer(row.request_hash, row.status_code, row.response)

    def answer(self, *, user_id: uuid.UUID, key: str, status_code: int, response: dict[str, Any]) -> None:
        self._session.connection().execute(
            update(IDEMPOTENCY_KEYS)
            .where(IDEMPOTENCY_KEYS.c.user_id == user_id, IDEMPOTENCY_KEYS.c.key == key)
            .values(status_code=status_code, response=response)
        )


class SqlMailOutbox(MailOutbox):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, *, kind: str, appointment_id: uuid.UUID, patient_id: uuid.UUID, payload: dict[str, Any]
    ) -> None:
        self._session.connection().execute(
            insert(MAIL_OUTBOX).values(
                appointment_id=appointment_id, patient_id=patient_id, kind=kind, payload=payload
            )
        )


class SqlEventOutbox(EventOutbox):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event_type: str, data: dict[str, Any]) -> None:
        self._session.connection().execute(
            insert(WEBHOOK_EVENTS).values(event_id=uuid.uuid4(), event_type=event_type, data=data)
        )


class SqlAppointmentUnitOfWork(SqlAlchemyUnitOfWork, AppointmentUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], parsed: ParsedDoctors) -> None:
        super().__init__(session_factory)
        self._parsed = parsed

    def _start(self, session: Session) -> None:
        self.appointments = SqlAppointmentRepository(session)
        self.doctors = SqlDoctorDirectory(session, self._parsed)
        self.idempotency = SqlIdempotencyKeys(session)
        self.mails = SqlMailOutbox(session)
        self.events = SqlEventOutbox(session)
