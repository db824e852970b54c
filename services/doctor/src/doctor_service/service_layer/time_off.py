"""Time off and custom hours: dates a doctor is away, or works other hours than their week says."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from doctor_service.domain.events import DoctorEventType
from doctor_service.ports import DoctorUnitOfWork
from doctor_service.service_layer.doctor_changes import find_doctor, find_doctor_to_change, save_change
from hospital_shared.clock import Clock
from hospital_shared.errors import Forbidden
from hospital_shared.identity import Identity
from hospital_shared.schedule import TimeOff


def list_time_off(uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity) -> list[TimeOff]:
    """A doctor's time off and custom hours (for the doctor themself and admins)."""
    with uow:
        doctor = find_doctor(uow, doctor_id=doctor_id, actor=actor, for_update=False)
        if not doctor.is_managed_by(actor.user_id, actor.role):
            raise Forbidden("Only this doctor or an admin may see their time off.")
        return list(doctor.time_off)


def add_time_off(
    uow: DoctorUnitOfWork,
    *,
    doctor_id: uuid.UUID | None,
    actor: Identity,
    document: Mapping[str, Any],
    clock: Clock,
) -> TimeOff:
    """Add time away or custom hours for a date, from the doctor's today (in their time zone) on."""
    entry = TimeOff.from_document(document, new_id=uuid.uuid4())
    with uow:
        doctor = find_doctor_to_change(uow, doctor_id=doctor_id, actor=actor)
        doctor.add_time_off(entry, today=clock.today_in(doctor.schedule.zone))
        save_change(
            uow, doctor=doctor, event_type=DoctorEventType.TIME_OFF_ADDED, catalog=uow.catalog(), clock=clock
        )
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
        doctor = find_doctor_to_change(uow, doctor_id=doctor_id, actor=actor)
        doctor.remove_time_off(entry_id)
        save_change(
            uow,
            doctor=doctor,
            event_type=DoctorEventType.TIME_OFF_REMOVED,
            catalog=uow.catalog(),
            clock=clock,
        )
