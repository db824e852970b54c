"""Small helpers the doctor integration tests share."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from doctor_service.adapters.http.app import create_app
from doctor_service.config import Settings
from hospital_shared.events import StreamReader
from hospital_testing import INTERNAL_TOKEN, identity_headers, internal_headers

from ..fakes import FakeAccounts

PUBLIC = internal_headers()


def app_for(settings: Settings) -> Flask:
    """A second app on the same database, with Auth-MS's accounts faked like the `app` fixture's."""
    app = create_app(settings)
    app.extensions["container"]._accounts = FakeAccounts()
    return app


def doctor_events(app: Flask, *, redis: Any = None) -> StreamReader:
    """The app's doctor-events stream (on its own Redis client, or on `redis`)."""
    container = app.extensions["container"]
    return StreamReader(redis or container.redis, container.settings.doctor_events_stream)


def admin() -> dict[str, str]:
    return identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)


def as_doctor(user_id: uuid.UUID) -> dict[str, str]:
    return identity_headers(user_id, "doctor", INTERNAL_TOKEN)


def days_ahead(days: int) -> str:
    """The ISO date `days` after today: time off may not start in the past, so no test pins a calendar day."""
    return (date.today() + timedelta(days=days)).isoformat()


def create_doctor(client: FlaskClient, **profile: Any) -> tuple[dict[str, Any], uuid.UUID]:
    user_id = uuid.uuid4()
    body = {
        "user_id": str(user_id),
        "full_name": "Dr. Anna Weber",
        "specializations": ["cardiology"],
        "time_zone": "Europe/Berlin",
        **profile,
    }
    response = client.post("/api/v1/doctors/", json=body, headers=admin())
    assert response.status_code == 201, response.json
    return response.json, user_id


WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "buffer_minutes": 5,
    "minimum_notice_minutes": 120,
    "booking_horizon_days": 30,
    "weekly": {
        "monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
        "wednesday": [{"start": "08:00", "end": "14:00"}],
    },
    "appointment_types": [
        {"code": "cardiology", "duration_minutes": 45},
        {"code": "follow-up", "name": "Follow-up", "duration_minutes": 15},
    ],
}
