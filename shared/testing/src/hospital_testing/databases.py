"""Throw-away PostgreSQL databases for tests, and an app whose tables and Redis are emptied after a test."""

from __future__ import annotations

import contextlib
import inspect
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg2 import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hospital_shared.migrations import upgrade_to_head

ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def _admin_dsn() -> tuple[str, object]:
    url = make_url(os.environ.get("TEST_DATABASE_ADMIN_URL", ADMIN_URL))
    return url.render_as_string(hide_password=False).replace("+psycopg2", ""), url


@contextlib.contextmanager
def temporary_database(service: str) -> Iterator[str]:
    """Create a fresh, uniquely named database; yield its SQLAlchemy URL; drop it afterwards."""
    dsn, url = _admin_dsn()
    name = f"test_{service}_{uuid.uuid4().hex[:10]}"
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.close()


@contextlib.contextmanager
def migrated_database(service: str, service_dir: Path) -> Iterator[str]:
    """A fresh database with every migration of the service in `service_dir` applied."""
    with temporary_database(service) as url:
        upgrade_to_head(service_dir, url)
        yield url


def reset_service_state(app: Flask, *, tables: Sequence[str]) -> None:
    """Empty the service's tables and its Redis database, so the next test starts from nothing."""
    container = app.extensions["container"]
    names = ", ".join(f'"{table}"' for table in tables)
    with container.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
    container.redis.flushdb()


@contextlib.contextmanager
def running_app(app: Flask, *, tables: Sequence[str]) -> Iterator[Flask]:
    """Yield the app for one test; afterwards reset its tables and Redis and close its connections."""
    try:
        yield app
    finally:
        reset_service_state(app, tables=tables)
        app.extensions["container"].close()


def database_fixture(service: str, service_dir: Path) -> Any:
    """A session-scoped fixture: the service's database, migrated to head, dropped after the run.

    In a conftest: `database_url = database_fixture("patient", SERVICE_DIR)`.
    """

    @pytest.fixture(scope="session")
    def database_url() -> Iterator[str]:
        with migrated_database(service, service_dir) as url:
            yield url

    return database_url


def app_fixture(build: Callable[..., Flask], *, tables: Sequence[str], reset_first: bool = False) -> Any:
    """A fixture: the app `build` makes, its `tables` and Redis emptied after each test.

    `build`'s parameters are fixture names, e.g. `app = app_fixture(lambda settings, clock:
    create_app(settings, clock=clock), tables=TABLES)`. `reset_first` also empties them before the test
    (for a Redis database that a crashed earlier run may have left full).
    """
    names = list(inspect.signature(build).parameters)

    @pytest.fixture
    def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
        created = build(**{name: request.getfixturevalue(name) for name in names})
        if reset_first:
            reset_service_state(created, tables=tables)
        with running_app(created, tables=tables) as running:
            yield running

    return app


def client_fixture() -> Any:
    """A fixture: the Flask test client of the `app` fixture."""

    @pytest.fixture
    def client(app: Flask) -> FlaskClient:
        return app.test_client()

    return client
