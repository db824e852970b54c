"""The settings every service's tests start from: test environment, one internal token, a Redis db each."""

from __future__ import annotations

from typing import Any, TypeVar

from hospital_shared.identity import INTERNAL_TOKEN_HEADER, identity_headers

__all__ = ["INTERNAL_TOKEN", "REDIS_DB", "identity_headers", "internal_headers", "make_settings", "redis_url"]

INTERNAL_TOKEN = "test-internal-token"  # noqa: S105 - the tests' stand-in for the gateway's secret
# Each service's tests flush their own Redis database after every test: one number each, so that two
# services' suites running at once never empty each other's.
REDIS_DB = {"auth": 11, "patient": 12, "doctor": 13, "appointment": 14}

S = TypeVar("S")


def redis_url(service: str) -> str:
    """The machine's Redis, at the database number reserved for `service`'s tests."""
    return f"redis://127.0.0.1:6379/{REDIS_DB[service]}"


def make_settings(settings_class: type[S], *, service: str, database_url: str, **overrides: Any) -> S:
    """`settings_class` for a test run: environment "test", the test token, the service's Redis database."""
    defaults = {"redis_url": redis_url(service), "internal_token": INTERNAL_TOKEN}
    return settings_class(environment="test", database_url=database_url, **(defaults | overrides))


def internal_headers(token: str = INTERNAL_TOKEN) -> dict[str, str]:
    """The one header the gateway adds to an anonymous request (no identity)."""
    return {INTERNAL_TOKEN_HEADER: token}
