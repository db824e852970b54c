"""Doctor profiles: an admin adds a doctor, the doctor (or an admin) keeps the profile, an admin
deactivates or activates them. Each change is one transaction with its event."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from doctor_service.domain.doctor import Doctor, Specialization, new_doctor
from doctor_service.domain.events import DoctorEventType, doctor_changed
from doctor_service.ports import Accounts, DoctorUnitOfWork
from doctor_service.service_layer.accounts import check_doctor_account
from doctor_service.service_layer.doctor_changes import (
    commit_change,
    find_doctor,
    find_doctor_to_change,
    save_change,
)
from hospital_shared.clock import Clock
from hospital_shared.errors import Conflict, Forbidden
from hospital_shared.identity import Identity


def create_doctor(
    uow: DoctorUnitOfWork,
    *,
    user_id: uuid.UUID,
    profile: Mapping[str, Any],
    doctor_id: uuid.UUID | None = None,
    accounts: Accounts | None,
    clock: Clock,
) -> Doctor:
    """Add a doctor linked to their Auth user id, which must be an enabled doctor account (admins only).

    `accounts` None skips the Auth-MS check (the demo seed, which creates both sides itself)."""
    if accounts is not None:
        check_doctor_account(accounts=accounts, user_id=user_id)
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
        commit_change(uow)
        return doctor


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
    return _change_profile(
        uow,
        doctor_id=doctor_id,
        actor=actor,
        change=lambda doctor, catalog: doctor.update_profile(changes, catalog, if_match=if_match),
        clock=clock,
    )


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
    return _change_profile(
        uow,
        doctor_id=doctor_id,
        actor=actor,
        change=lambda doctor, catalog: doctor.replace_profile(document, catalog, if_match=if_match),
        clock=clock,
    )


def _change_profile(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    change: Callable[[Doctor, dict[str, Specialization]], bool],
    clock: Clock,
) -> Doctor:
    """Apply `change` (True when it changed something) and write it with its event."""
    with uow:
        doctor = find_doctor_to_change(uow, doctor_id=doctor_id, actor=actor)
        catalog = uow.catalog()
        if change(doctor, catalog):
            save_change(
                uow, doctor=doctor, event_type=DoctorEventType.PROFILE_UPDATED, catalog=catalog, clock=clock
            )
        return doctor


def set_doctor_active(
    uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID, actor: Identity, active: bool, clock: Clock
) -> Doctor:
    """Deactivate a doctor (hidden from the directory and the slot finder) or activate them again (admins)."""
    if actor.role != "admin":
        raise Forbidden("Only admins may deactivate or activate doctors.")
    with uow:
        doctor = find_doctor(uow, doctor_id=doctor_id, actor=actor, for_update=True)
        if doctor.set_active(active):
            event = DoctorEventType.ACTIVATED if active else DoctorEventType.DEACTIVATED
            save_change(uow, doctor=doctor, event_type=event, catalog=uow.catalog(), clock=clock)
        return doctor
