"""Fixtures: a migrated throw-away database, Redis database 14, and the app wired to both.

The app's clock is fixed (FixedClock) so slot times are predictable; tests move it with `clock.now_is`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appointment_service import SERVICE_DIR
from appointment_service.adapters.http.app import create_app
from appointment_service.config import Settings
from appointment_service.service_layer.projection import apply_doctor_events
from hospital_testing import FixedClock, migrated_database, running_app

from .builders import stream_event

REDIS_URL = "redis://127.0.0.1:6379/14"
TOKEN = "test-internal-token"
# A Monday morning, before the demo doctors' 08:00 Berlin start.
MONDAY = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
TABLES = (
    "appointments", "doctors", "projection_cursor", "idempotency_keys", "mail_outbox",
    "webhook_deliveries", "webhook_subscriptions", "webhook_events",
)  # fmt: skip


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_database("appointment", SERVICE_DIR) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        internal_token=TOKEN,
        projection_consumer_enabled=False,
        mail_relay_enabled=False,
        replica_heartbeat_enabled=False,
        webhook_dispatch_enabled=False,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[Flask]:
    flask_app = create_app(settings)
    flask_app.extensions["container"].clock = clock
    with running_app(flask_app, tables=TABLES) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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
