"""Helpers for the services' tests: throw-away databases, free ports, gateway-like headers."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import psycopg2
from flask import Flask
from psycopg2 import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hospital_shared.identity import identity_headers
from hospital_shared.migrations import upgrade_to_head

__all__ = [
    "free_port",
    "identity_headers",
    "migrated_database",
    "reset_service_state",
    "running_app",
    "temporary_database",
]

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


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
