"""Fixtures: a migrated throw-away database, Redis database 12, a stand-in for Appointment-MS's internal
API on loopback, and the app wired to all three."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hospital_testing import migrated_database, running_app
from patient_service import SERVICE_DIR
from patient_service.adapters.http.app import create_app
from patient_service.config import Settings

from .appointment_stub import AppointmentStub

REDIS_URL = "redis://127.0.0.1:6379/12"
TOKEN = "test-internal-token"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_database("patient", SERVICE_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def appointment_server() -> Iterator[AppointmentStub]:
    stub = AppointmentStub(TOKEN).start()
    yield stub
    stub.stop()


@pytest.fixture
def appointment_ms(appointment_server: AppointmentStub) -> AppointmentStub:
    """Appointment-MS as the test sets it up: by default no doctor treats anybody."""
    appointment_server.reset()
    return appointment_server


@pytest.fixture
def settings(database_url: str, appointment_ms: AppointmentStub) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        internal_token=TOKEN,
        appointment_internal_url=appointment_ms.url,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with running_app(create_app(settings), tables=("patients",)) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
