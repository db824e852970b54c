"""Weekly schedules: replaced as one document, guarded by its version (If-Match)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from doctor_service.domain.doctor import Doctor
from doctor_service.domain.events import DoctorEventType
from doctor_service.ports import DoctorUnitOfWork
from doctor_service.service_layer.doctor_changes import find_doctor_to_change, save_change
from hospital_shared.clock import Clock
from hospital_shared.identity import Identity
from hospital_shared.schedule import WeeklySchedule


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
        doctor = find_doctor_to_change(uow, doctor_id=doctor_id, actor=actor)
        doctor.check_schedule_precondition(if_match)
        doctor.check_schedule_document_is_mine(document)
        catalog = uow.catalog()
        defaults = [
            catalog[slug].default_appointment_type() for slug in doctor.specializations if slug in catalog
        ]
        schedule = WeeklySchedule.from_document(document, default_types=defaults)
        if doctor.replace_schedule(schedule, if_match=if_match):
            save_change(
                uow, doctor=doctor, event_type=DoctorEventType.SCHEDULE_REPLACED, catalog=catalog, clock=clock
            )
        return doctor
