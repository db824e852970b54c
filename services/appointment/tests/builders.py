"""Doctor snapshots as Doctor-MS publishes them (services/doctor/EVENTS.md, schema_version 1), for tests."""

from __future__ import annotations

import uuid
from typing import Any

from hospital_shared.events import StreamEvent

FULL_WEEK = {
    day: [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def doctor_snapshot(
    *,
    doctor_id: uuid.UUID | None = None,
    name: str = "Dr. Emma Fischer",
    specializations: tuple[str, ...] = ("cardiology",),
    time_zone: str = "Europe/Berlin",
    weekly: dict[str, list[dict[str, str]]] | None = None,
    step: int = 15,
    buffer: int = 0,
    notice: int = 60,
    horizon: int = 90,
    duration: int = 30,
    accepting_new_patients: bool = True,
    languages: tuple[str, ...] = ("de", "en"),
    time_off: list[dict[str, Any]] | None = None,
    version: int = 1,
    user_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    doctor_id = doctor_id or uuid.uuid4()
    names = {s: s.replace("-", " ").title() for s in specializations}
    return {
        "schema_version": 1,
        "type": "doctor.schedule_replaced",
        "doctor_id": str(doctor_id),
        "version": version,
        "occurred_at": "2026-12-01T00:00:00+00:00",
        "doctor": {
            "id": str(doctor_id),
            "user_id": str(user_id or uuid.uuid5(doctor_id, "user")),
            "full_name": name,
            "specializations": [
                {"slug": s, "name": names[s], "default_duration_minutes": duration} for s in specializations
            ],
            "time_zone": time_zone,
            "accepting_new_patients": accepting_new_patients,
            "languages": list(languages),
            "clinic": "Campus Mitte",
            "location": "Berlin",
            "photo_url": None,
        },
        "schedule": {
            "version": 1,
            "time_zone": time_zone,
            "slot_step_minutes": step,
            "buffer_minutes": buffer,
            "minimum_notice_minutes": notice,
            "booking_horizon_days": horizon,
            "weekly": {
                **{d: [] for d in ("saturday", "sunday")},
                **(FULL_WEEK if weekly is None else weekly),
            },
            "appointment_types": [
                {"code": s, "name": f"{names[s]} consultation", "duration_minutes": duration}
                for s in specializations
            ],
        },
        "time_off": time_off or [],
    }


def stream_event(snapshot: dict[str, Any], stream_id: str = "1-0") -> StreamEvent:
    return StreamEvent(
        stream_id=stream_id,
        event_id=str(uuid.uuid4()),
        type=snapshot["type"],
        aggregate_id=snapshot["doctor_id"],
        version=snapshot["version"],
        occurred_at=snapshot["occurred_at"],
        payload=snapshot,
    )
