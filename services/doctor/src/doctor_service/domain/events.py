"""The events Doctor-MS publishes: each carries the doctor's whole current state (see EVENTS.md)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from doctor_service.domain.doctor import Doctor, Specialization

SCHEMA_VERSION = 1


class DoctorEventType(enum.StrEnum):
    CREATED = "doctor.created"
    PROFILE_UPDATED = "doctor.profile_updated"
    SCHEDULE_REPLACED = "doctor.schedule_replaced"
    TIME_OFF_ADDED = "doctor.time_off_added"
    TIME_OFF_REMOVED = "doctor.time_off_removed"
    DEACTIVATED = "doctor.deactivated"
    ACTIVATED = "doctor.activated"
    ACCOUNT_DISABLED = "doctor.account_disabled"
    ACCOUNT_ENABLED = "doctor.account_enabled"
    ACCOUNT_ROLE_CHANGED = "doctor.account_role_changed"


@dataclass(frozen=True)
class DoctorEvent:
    """One change of one doctor, as written to the outbox and later to the stream."""

    event_id: uuid.UUID
    type: DoctorEventType
    doctor_id: uuid.UUID
    version: int
    occurred_at: datetime
    payload: dict[str, Any]


def doctor_changed(
    doctor: Doctor,
    event_type: DoctorEventType,
    *,
    catalog: Mapping[str, Specialization],
    occurred_at: datetime,
) -> DoctorEvent:
    """An event holding the doctor's full current profile essentials, schedule and time off."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "type": event_type.value,
        "doctor_id": str(doctor.id),
        "version": doctor.version,
        "occurred_at": occurred_at.isoformat(),
        "doctor": {
            "id": str(doctor.id),
            "user_id": str(doctor.user_id),
            "full_name": doctor.full_name,
            "specializations": [
                {
                    "slug": slug,
                    "name": catalog[slug].name,
                    "default_duration_minutes": catalog[slug].default_duration_minutes,
                }
                for slug in doctor.specializations
                if slug in catalog
            ],
            "time_zone": doctor.time_zone,
            "accepting_new_patients": doctor.accepting_new_patients,
            "languages": list(doctor.languages),
            "clinic": doctor.clinic,
            "location": doctor.location,
            "photo_url": doctor.photo_url,
            # False: hide from searches and new bookings; appointments already booked stay.
            "active": doctor.listed,
            "deactivated": not doctor.active,
            "account_disabled": doctor.account_disabled,
            "account_role": doctor.account_role,
        },
        "schedule": {"version": doctor.schedule_version, **doctor.schedule.to_document()},
        "time_off": [entry.to_document() for entry in doctor.time_off],
    }
    return DoctorEvent(
        event_id=uuid.uuid4(),
        type=event_type,
        doctor_id=doctor.id,
        version=doctor.version,
        occurred_at=occurred_at,
        payload=payload,
    )
