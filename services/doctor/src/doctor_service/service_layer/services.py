"""Doctor-MS's use cases: one function per command, each one transaction that also writes its event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from doctor_service.domain.doctor import Doctor, DoctorListing, Specialization, new_doctor
from doctor_service.domain.events import DoctorEventType, doctor_changed
from doctor_service.ports import Accounts, AccountsUnavailable, DirectoryQuery, DoctorUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from hospital_shared.identity import Identity
from hospital_shared.paging import Page
from hospital_shared.schedule import TimeOff, WeeklySchedule

MAX_PAGE_SIZE = 100


# -- reading ---------------------------------------------------------------------------------------------


def list_specializations(uow: DoctorUnitOfWork) -> list[Specialization]:
    """The specialization catalog, by name."""
    with uow:
        return sorted(uow.specializations.all(), key=lambda s: s.name)


def search_doctors(
    uow: DoctorUnitOfWork, query: DirectoryQuery, *, actor: Identity | None = None
) -> Page[DoctorListing]:
    """The directory: doctors by specialization and name (or changed since a moment), a page at a time.

    Only admins may ask for unlisted doctors (deactivated, or with a disabled account) too."""
    if query.page < 1:
        raise ValidationFailed(errors={"page": ["Must be 1 or more."]})
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(errors={"page_size": [f"Must be between 1 and {MAX_PAGE_SIZE}."]})
    if query.include_unlisted and (actor is None or actor.role != "admin"):
        raise Forbidden(
            "Only admins may list inactive doctors.", errors={"include_inactive": ["Admins only."]}
        )
    with uow:
        if query.specialization and query.specialization not in uow.catalog():
            raise ValidationFailed(
                f"Unknown specialization {query.specialization!r}.",
                errors={"specialization": ["Unknown specialization."]},
            )
        return uow.doctors.search(query)


def get_doctor(
    uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity | None = None
) -> Doctor:
    """One doctor by id, or the caller's own doctor profile when doctor_id is None.

    An unlisted doctor (deactivated, or their account disabled) is found only by admins and themself."""
    with uow:
        doctor = _find(uow, doctor_id, actor, for_update=False)
    if not doctor.is_visible_to(actor.user_id if actor else None, actor.role if actor else None):
        raise NotFound("No doctor with this id.")
    return doctor


def list_time_off(uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity) -> list[TimeOff]:
    """A doctor's time off and custom hours (for the doctor themself and admins)."""
    with uow:
        doctor = _find(uow, doctor_id, actor, for_update=False)
        if not doctor.is_managed_by(actor.user_id, actor.role):
            raise Forbidden("Only this doctor or an admin may see their time off.")
        return list(doctor.time_off)


def doctor_catalog(uow: DoctorUnitOfWork) -> dict[str, Specialization]:
    with uow:
        return uow.catalog()


# -- changing --------------------------------------------------------------------------------------------


def create_doctor(
    uow: DoctorUnitOfWork,
    *,
    user_id: uuid.UUID,
    profile: Mapping[str, Any],
    accounts: Accounts | None,
    doctor_id: uuid.UUID | None = None,
    clock: Clock,
) -> Doctor:
    """Add a doctor linked to their Auth user id, which must be an enabled doctor account (admins only).

    `accounts` None skips the Auth-MS check (the demo seed, which creates both sides itself)."""
    if accounts is not None:
        check_doctor_account(accounts, user_id)
    with uow:
        if uow.doctors.get_by_user(user_id) is not None:
            raise Conflict(
                "This user already has a doctor profile.", errors={"user_id": ["Already a doctor."]}
            )
        if doctor_id is not None and uow.doctors.get(doctor_id) is not None:
            raise Conflict("A doctor with this id exists.")
        catalog = uow.catalog()
        doctor = new_doctor(
            doctor_id=doctor_id or uuid.uuid4(), user_id=user_id, profile=profile, catalog=catalog
        )
        uow.doctors.add(doctor)
        uow.outbox.add(
            doctor_changed(doctor, DoctorEventType.CREATED, catalog=catalog, occurred_at=clock.now())
        )
        _commit(uow)
        return doctor


def check_doctor_account(accounts: Accounts, user_id: uuid.UUID) -> None:
    """Refuse (422) a user id that is no enabled doctor account of Auth-MS; 503 when Auth-MS cannot tell."""
    try:
        account = accounts.account(user_id)
    except AccountsUnavailable as error:
        raise ServiceUnavailable(
            "Auth-MS cannot confirm this account right now; nothing was written. Retry in a moment."
        ) from error
    problem = None
    if account is None:
        problem = "No Auth-MS account has this id."
    elif account.disabled:
        problem = "This account is disabled."
    elif account.role is not None and account.role != "doctor":
        problem = f"This is a {account.role} account, not a doctor account: create a doctor account first."
    if problem:
        raise ValidationFailed(f"{problem} Nothing was written.", errors={"user_id": [problem]})


def update_profile(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    changes: Mapping[str, Any],
    if_match: str | None = None,
    clock: Clock,
) -> Doctor:
    """Change some profile fields of a doctor (their own, or any for an admin); If-Match optional."""
    with uow:
        doctor = _find_for_change(uow, doctor_id, actor)
        catalog = uow.catalog()
        if doctor.update_profile(changes, catalog, if_match=if_match):
            _save(uow, doctor, DoctorEventType.PROFILE_UPDATED, catalog, clock)
        return doctor


def replace_profile(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    document: Mapping[str, Any],
    if_match: str | None,
    clock: Clock,
) -> Doctor:
    """Replace a doctor's whole profile, if the caller saw its current version (If-Match required)."""
    with uow:
        doctor = _find_for_change(uow, doctor_id, actor)
        catalog = uow.catalog()
        if doctor.replace_profile(document, catalog, if_match=if_match):
            _save(uow, doctor, DoctorEventType.PROFILE_UPDATED, catalog, clock)
        return doctor


def set_doctor_active(
    uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID, actor: Identity, active: bool, clock: Clock
) -> Doctor:
    """Deactivate a doctor (hidden from the directory and the slot finder) or activate them again (admins)."""
    if actor.role != "admin":
        raise Forbidden("Only admins may deactivate or activate doctors.")
    with uow:
        doctor = _find(uow, doctor_id, actor, for_update=True)
        if doctor.set_active(active):
            event = DoctorEventType.ACTIVATED if active else DoctorEventType.DEACTIVATED
            _save(uow, doctor, event, uow.catalog(), clock)
        return doctor


def replace_schedule(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    document: Mapping[str, Any],
    if_match: str | None,
    clock: Clock,
) -> Doctor:
    """Replace a doctor's whole weekly schedule, if the caller saw its current version.

    `document` may be one the caller read: its `doctor_id` must name this doctor; its `version` is ignored.
    """
    with uow:
        doctor = _find_for_change(uow, doctor_id, actor)
        doctor.check_schedule_precondition(if_match)
        doctor.check_schedule_document_is_mine(document)
        catalog = uow.catalog()
        defaults = [
            catalog[slug].default_appointment_type() for slug in doctor.specializations if slug in catalog
        ]
        schedule = WeeklySchedule.from_document(document, default_types=defaults)
        if doctor.replace_schedule(schedule, if_match=if_match):
            _save(uow, doctor, DoctorEventType.SCHEDULE_REPLACED, catalog, clock)
        return doctor


def add_time_off(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    document: Mapping[str, Any],
    clock: Clock,
) -> TimeOff:
    """Add time away or custom hours for a date."""
    entry = TimeOff.from_document(document, new_id=uuid.uuid4())
    with uow:
        doctor = _find_for_change(uow, doctor_id, actor)
        doctor.add_time_off(entry, today=clock.today_in(doctor.schedule.zone))
        _save(uow, doctor, DoctorEventType.TIME_OFF_ADDED, uow.catalog(), clock)
        return entry


def remove_time_off(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    entry_id: uuid.UUID,
    clock: Clock,
) -> None:
    """Delete one time-off entry."""
    with uow:
        doctor = _find_for_change(uow, doctor_id, actor)
        doctor.remove_time_off(entry_id)
        _save(uow, doctor, DoctorEventType.TIME_OFF_REMOVED, uow.catalog(), clock)


def ensure_specializations(uow: DoctorUnitOfWork, specializations: list[Specialization]) -> int:
    """Add the catalog entries that are missing; returns how many were added."""
    with uow:
        known = {s.slug for s in uow.specializations.all()}  # the table itself, never a kept copy
        missing = [s for s in specializations if s.slug not in known]
        for specialization in missing:
            uow.specializations.add(specialization)
        _commit(uow)
        return len(missing)


# -- helpers ---------------------------------------------------------------------------------------------


def _find(
    uow: DoctorUnitOfWork, doctor_id: uuid.UUID | None, actor: Identity | None, *, for_update: bool
) -> Doctor:
    if doctor_id is None:
        if actor is None:
            raise NotFound("Sign in as a doctor to see your own profile.")
        doctor = uow.doctors.get_by_user(actor.user_id, for_update=for_update)
        if doctor is None:
            raise NotFound("You have no doctor profile; an admin creates it.")
        return doctor
    doctor = uow.doctors.get(doctor_id, for_update=for_update)
    if doctor is None:
        raise NotFound("No doctor with this id.")
    return doctor


def _find_for_change(uow: DoctorUnitOfWork, doctor_id: uuid.UUID | None, actor: Identity) -> Doctor:
    doctor = _find(uow, doctor_id, actor, for_update=True)
    if not doctor.is_managed_by(actor.user_id, actor.role):
        raise Forbidden("Only this doctor or an admin may change this.")
    return doctor


def _save(
    uow: DoctorUnitOfWork,
    doctor: Doctor,
    event_type: DoctorEventType,
    catalog: dict[str, Specialization],
    clock: Clock,
) -> None:
    uow.doctors.save(doctor)
    uow.outbox.add(doctor_changed(doctor, event_type, catalog=catalog, occurred_at=clock.now()))
    _commit(uow)


def _commit(uow: DoctorUnitOfWork) -> None:
    """Commit a change, then make the public answers stale (after: a refill must see the committed rows)."""
    uow.commit()
    uow.directory.invalidate()
