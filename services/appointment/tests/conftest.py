"""Appointment-MS's fixtures: every service's (hospital_testing), with the background work switched off in
the settings and the app's clock fixed at MONDAY (FixedClock) so slot times are predictable; tests move it
with `clock.now_is`. `add_doctor` puts doctors into the projection as the stream consumer would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from appointment_service import SERVICE_DIR
from appointment_service.adapters.http.app import create_app
from appointment_service.config import Settings
from appointment_service.service_layer.projection import apply_doctor_events
from hospital_testing import FixedClock, app_fixture, client_fixture, database_fixture, make_settings

from .builders import stream_event

# A Monday morning, before the demo doctors' 08:00 Berlin start.
MONDAY = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
TABLES = (
    "appointments", "doctors", "projection_cursor", "idempotency_keys", "mail_outbox",
    "webhook_deliveries", "webhook_subscriptions", "webhook_events",
)  # fmt: skip


def app_on_clock(settings: Settings, clock: FixedClock) -> Flask:
    """The app, its container's clock swapped for the test's (create_app takes none)."""
    app = create_app(settings)
    app.extensions["container"].clock = clock
    return app


database_url = database_fixture("appointment", SERVICE_DIR)
app = app_fixture(app_on_clock, tables=TABLES)
client = client_fixture()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(
        Settings,
        service="appointment",
        database_url=database_url,
        projection_consumer_enabled=False,
        mail_relay_enabled=False,
        replica_heartbeat_enabled=False,
        webhook_dispatch_enabled=False,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def add_doctor(app: Flask) -> Any:
    """Put doctor snapshots into the projection, as the stream consumer would."""
    container = app.extensions["container"]
    counter = iter(range(1, 1_000_000))

    def add(*snapshots: dict[str, Any]) -> None:
        events = [stream_event(s, f"{next(counter)}-0") for s in snapshots]
        apply_doctor_events(
            container.uow(), events=events, stream="doctor-events", cache=container.slot_cache
        )

    return add
