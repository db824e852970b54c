"""Doctor-MS's fixtures: every service's (hospital_testing), with streams of the tests' own and Auth-MS's
accounts faked (every user id is an enabled doctor account unless a test says otherwise)."""

from __future__ import annotations

import pytest
from flask import Flask

from doctor_service import SERVICE_DIR
from doctor_service.adapters.http.app import create_app
from doctor_service.config import Settings
from hospital_testing import app_fixture, client_fixture, database_fixture, make_settings

from .fakes import FakeAccounts

TABLES = ("doctors", "doctor_specializations", "doctor_time_off", "doctor_outbox", "account_events_cursor")


def build(settings: Settings, accounts: FakeAccounts) -> Flask:
    app = create_app(settings)
    app.extensions["container"]._accounts = accounts
    return app


database_url = database_fixture("doctor", SERVICE_DIR)
app = app_fixture(build, tables=TABLES)
client = client_fixture()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(
        Settings,
        service="doctor",
        database_url=database_url,
        doctor_events_stream="test-doctor-events",
        account_events_stream="test-account-events",
    )


@pytest.fixture
def accounts() -> FakeAccounts:
    return FakeAccounts()
