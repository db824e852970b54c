"""What the services' tests share, kept out of the images: throw-away databases, fixture factories,
free ports, a private Redis, gateway-like headers, a fixed clock, a fake unit of work, the SMTP sink.

A distribution of its own (hospital-testing, shared/testing/): `make install` puts it in the dev venv,
services/Dockerfile never installs it, so no runtime package can import it.
"""

from __future__ import annotations

from hospital_testing.clock import FixedClock
from hospital_testing.databases import (
    app_fixture,
    client_fixture,
    database_fixture,
    migrated_database,
    reset_service_state,
    running_app,
    temporary_database,
)
from hospital_testing.network import free_port, private_redis_fixture
from hospital_testing.settings import (
    INTERNAL_TOKEN,
    REDIS_DB,
    identity_headers,
    internal_headers,
    make_settings,
    redis_url,
)
from hospital_testing.unit_of_work import FakeUnitOfWork

__all__ = [
    "INTERNAL_TOKEN",
    "REDIS_DB",
    "FakeUnitOfWork",
    "FixedClock",
    "app_fixture",
    "client_fixture",
    "database_fixture",
    "free_port",
    "identity_headers",
    "internal_headers",
    "make_settings",
    "migrated_database",
    "private_redis_fixture",
    "redis_url",
    "reset_service_state",
    "running_app",
    "temporary_database",
]
