"""What every Doctor-MS use case that reads or changes one doctor does alike: find them (with who may), and
write a change with its event, then make the public answers stale."""

from __future__ import annotations

import uuid

from doctor_service.domain.doctor import Doctor, Specialization
from doctor_service.domain.events import DoctorEventType, doctor_changed
from doctor_service.ports import DoctorUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import Forbidden, NotFound
from hospital_shared.identity import Identity


def find_doctor(
    uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity | None, for_update: bool
) -> Doctor:
    """The doctor by id, or the caller's own doctor profile when `doctor_id` is None (inside `with uow:`)."""
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


def find_doctor_to_change(uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity) -> Doctor:
    """The doctor, locked until commit, if `actor` may change them (the doctor themself or an admin)."""
    doctor = find_doctor(uow, doctor_id=doctor_id, actor=actor, for_update=True)
    if not doctor.is_managed_by(actor.user_id, actor.role):
        raise Forbidden("Only this doctor or an admin may change this.")
    return doctor


def save_change(
    uow: DoctorUnitOfWork,
    *,
    doctor: Doctor,
    event_type: DoctorEventType,
    catalog: dict[str, Specialization],
    clock: Clock,
) -> None:
    """Write the changed doctor and its event in one transaction, and commit it."""
    uow.doctors.save(doctor)
    uow.outbox.add(doctor_changed(doctor, event_type, catalog=catalog, occurred_at=clock.now()))
    commit_change(uow)


def commit_change(uow: DoctorUnitOfWork) -> None:
    """Commit a change, then make the public answers stale (after: a refill must see the committed rows)."""
    uow.commit()
    uow.directory.invalidate()
