"""Patient-MS's fixtures: every service's (hospital_testing), plus a stand-in for Appointment-MS's internal
API on loopback that the settings point at (it says which doctor treats which patient)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hospital_testing import INTERNAL_TOKEN, app_fixture, client_fixture, database_fixture, make_settings
from patient_service import SERVICE_DIR
from patient_service.adapters.http.app import create_app
from patient_service.config import Settings

from .appointment_stub import AppointmentStub

database_url = database_fixture("patient", SERVICE_DIR)
app = app_fixture(lambda settings: create_app(settings), tables=("patients",))
client = client_fixture()


@pytest.fixture(scope="session")
def appointment_server() -> Iterator[AppointmentStub]:
    stub = AppointmentStub(INTERNAL_TOKEN).start()
    yield stub
    stub.stop()


@pytest.fixture
def appointment_ms(appointment_server: AppointmentStub) -> AppointmentStub:
    """Appointment-MS as the test sets it up: by default no doctor treats anybody."""
    appointment_server.reset()
    return appointment_server


@pytest.fixture
def settings(database_url: str, appointment_ms: AppointmentStub) -> Settings:
    return make_settings(
        Settings, service="patient", database_url=database_url, appointment_internal_url=appointment_ms.url
    )
