"""Fixtures: a migrated throw-away database, Redis database 13, and the app wired to both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from doctor_service import SERVICE_DIR
from doctor_service.adapters.http.app import create_app
from doctor_service.config import Settings
from hospital_shared.testing import migrated_database, running_app

REDIS_URL = "redis://127.0.0.1:6379/13"
TOKEN = "test-internal-token"
STREAM = "test-doctor-events"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_database("doctor", SERVICE_DIR) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        internal_token=TOKEN,
        doctor_events_stream=STREAM,
        outbox_relay_enabled=False,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    tables = ("doctors", "doctor_specializations", "doctor_time_off", "doctor_outbox")
    with running_app(create_app(settings), tables=tables) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
