"""Unit-test fixtures: a `ports` record wired with the fakes of tests/fakes.py, and `run` to call a use case
with the fakes it names."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from auth_service.bootstrap import AuthPorts
from auth_service.domain.users import Role, User
from hospital_shared.identity import Identity
from hospital_testing import FixedClock

from ..fakes import (
    FakeApiKeyLimits,
    FakeAttemptCounter,
    FakeHasher,
    FakeMailer,
    FakeMfaChallengeStore,
    FakeOpenIdProvider,
    FakePendingSignIns,
    FakeSessionStore,
    FakeUnitOfWork,
    make_policy,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def ports(uow: FakeUnitOfWork) -> AuthPorts:
    return AuthPorts(
        uow=lambda: uow,
        sessions=FakeSessionStore(),
        attempts=FakeAttemptCounter(),
        hasher=FakeHasher(),
        mailer=FakeMailer(),
        clock=FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        pending_sign_ins=FakePendingSignIns(),
        policy=make_policy(),
        openid=FakeOpenIdProvider(),
        mfa_challenges=FakeMfaChallengeStore(),
        api_key_limits=FakeApiKeyLimits(),
    )


# A use case's port parameter -> the AuthPorts field holding its fake, where the names differ.
PORT_FIELDS = {"limits": "api_key_limits"}


def run(use_case: Callable[..., Any], ports: AuthPorts, **inputs: Any) -> Any:
    """Call a use case with the fake unit of work (if it takes one) and, by parameter name, the fakes of
    the ports it takes."""
    fields = {name: PORT_FIELDS.get(name, name) for name in inspect.signature(use_case).parameters}
    fakes = {
        name: getattr(ports, field)
        for name, field in fields.items()
        if name not in inputs and name != "uow" and hasattr(ports, field)
    }
    if "uow" not in fields:  # a use case with no database work (a session-store operation)
        return use_case(**fakes, **inputs)
    return use_case(ports.uow(), **fakes, **inputs)


def as_admin(user: User) -> Identity:
    return Identity(user_id=user.id, role="admin")


KNOWN_PASSWORD = "correct horse"


@pytest.fixture
def add_user(uow: FakeUnitOfWork, ports: AuthPorts):
    def add(email: str = "ann@example.org", *, password: str | None = KNOWN_PASSWORD, **changes) -> User:
        user = User.new(
            email=email,
            full_name="Ann Example",
            role=changes.pop("role", Role.PATIENT),
            now=ports.clock.now(),
            password_hash=ports.hasher.hash(password) if password else None,
            email_verified=changes.pop("email_verified", True),
        )
        user = replace(user, **changes)
        uow.users.add(user)
        return user

    return add
