"""Fixtures: a migrated throw-away database, Redis database 13, and the app wired to both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from doctor_service import SERVICE_DIR
from doctor_service.adapters.http.app import create_app
from doctor_service.config import Settings
from hospital_testing import migrated_database, running_app

from .unit.fakes import FakeAccounts

REDIS_URL = "redis://127.0.0.1:6379/13"
TOKEN = "test-internal-token"
STREAM = "test-doctor-events"
ACCOUNT_STREAM = "test-account-events"


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
        account_events_enabled=False,
        account_events_stream=ACCOUNT_STREAM,
    )


@pytest.fixture
def accounts() -> FakeAccounts:
    """Auth-MS's accounts: every user id is an enabled doctor account unless a test says otherwise."""
    return FakeAccounts()


@pytest.fixture
def app(settings: Settings, accounts: FakeAccounts) -> Iterator[Flask]:
    tables = (
        "doctors",
        "doctor_specializations",
        "doctor_time_off",
        "doctor_outbox",
        "account_events_cursor",
    )
    created = create_app(settings)
    created.extensions["container"]._accounts = accounts
    with running_app(created, tables=tables) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
