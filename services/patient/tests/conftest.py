"""Fixtures: a migrated throw-away database, Redis database 12, and the app wired to both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hospital_shared.testing import migrated_database, running_app
from patient_service import SERVICE_DIR
from patient_service.adapters.http.app import create_app
from patient_service.config import Settings

REDIS_URL = "redis://127.0.0.1:6379/12"
TOKEN = "test-internal-token"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_database("patient", SERVICE_DIR) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, redis_url=REDIS_URL, internal_token=TOKEN)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with running_app(create_app(settings), tables=("patients",)) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
