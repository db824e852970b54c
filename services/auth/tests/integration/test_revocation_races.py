"""Must show 3: a sign-in racing a revocation (reset, disable, role change, sign out everywhere) keeps no
session.

The races run in threads against the real app, PostgreSQL and Redis; a verify is what the gateway asks.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest
from flask import Flask

from auth_service.config import Settings
from auth_service.domain.one_time_tokens import TokenPurpose
from auth_service.domain.users import Role, User
from auth_service.ports import PasswordHasher
from auth_service.service_layer.admin import (
    change_role,
    set_account_disabled,
)
from auth_service.service_layer.sessions import SIGN_IN_INTERRUPTED, sign_out_everywhere
from auth_service.service_layer.tokens import issue_token
from hospital_shared.identity import Identity
from hospital_testing import private_redis_fixture

from .conftest import ORIGIN, PASSWORD, TOKEN, Gateway, create_admin

ROUNDS = 200
DOCTOR = "dr.race@example.org"


private_redis_url = private_redis_fixture()


@pytest.fixture
def settings(settings: Settings, private_redis_url: str) -> Settings:  # the module's own Redis
    return replace(settings, redis_url=private_redis_url)


def _add_doctor(app: Flask, password: str = PASSWORD) -> User:
    ports = app.extensions["container"].ports
    user = User.new(
        email=DOCTOR,
        full_name="Dr. Race",
        role=Role.DOCTOR,
        now=ports.clock.now(),
        password_hash=ports.hasher.hash(password),
        email_verified=True,
    )
    with ports.uow() as uow:
        uow.users.add(user)
        uow.commit()
    return user


def _session_of(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == "hospital_session" and rest.split(";", 1)[0]:
            return rest.split(";", 1)[0]
    return None


def _verify(app: Flask, secret: str) -> int:
    """What the gateway's auth_request gets for a request carrying this session cookie."""
    client = app.test_client(use_cookies=False)
    return client.get(
        "/internal/verify?mode=required",
        headers={
            "X-Internal-Token": TOKEN,
            "X-Original-Method": "GET",
            "Cookie": f"hospital_session={secret}",
        },
    ).status_code


def _login(app: Flask, password: str):
    return Gateway(app.test_client()).login(DOCTOR, password=password)


def _race(sign_in: Callable[[], None], revoke: Callable[[], None], *, spread: float) -> None:
    """Start both at once, each after its own random delay, so the overlaps sweep the whole sign-in."""
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(step: Callable[[], None]) -> None:
        try:
            barrier.wait()
            threading.Event().wait(random.uniform(0, spread))
            step()
        except BaseException as failure:  # re-raised in the test's thread
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(step,)) for step in (sign_in, revoke)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if failures:
        raise failures[0]


def _sign_in_time(app: Flask) -> float:
    import time

    started = time.perf_counter()
    for n in range(5):  # unknown emails: the same work, and the doctor's counters stay untouched
        Gateway(app.test_client()).login(f"nobody{n}@example.org", password="not the password")
    return (time.perf_counter() - started) / 5


def test_200_sign_ins_racing_a_password_reset_keep_no_session(app):
    doctor = _add_doctor(app)
    ports = app.extensions["container"].ports
    spread = _sign_in_time(app) * 1.5
    password, outcomes = PASSWORD, Counter()
    for round_number in range(ROUNDS):
        earlier = _session_of(_login(app, password))
        assert earlier and _verify(app, earlier) == 204
        with ports.uow() as uow:
            token = issue_token(
                uow,
                policy=ports.policy,
                user_id=doctor.id,
                purpose=TokenPurpose.PASSWORD_RESET,
                now=ports.clock.now(),
            )
            uow.commit()
        new_password = f"reset number {round_number} of the race"
        answer: dict = {}

        def sign_in(old: str = password, answer: dict = answer) -> None:
            answer["response"] = _login(app, old)

        def reset(token: str = token, new: str = new_password) -> None:
            reply = Gateway(app.test_client()).post(
                "/api/v1/auth/password/reset", json={"token": token, "new_password": new}
            )
            assert reply.status_code == 204, reply.json

        _race(sign_in, reset, spread=spread)
        outcomes[_judge(app, answer["response"], earlier)] += 1
        password = new_password
    print(f"\nsign-in vs password reset, {ROUNDS} rounds: {dict(outcomes)}")
    assert sum(outcomes.values()) == ROUNDS


def _set_disabled(app, user_id, *, disabled: bool, by) -> None:
    ports = app.extensions["container"].ports
    actor = Identity(user_id=by.id, role="admin")
    set_account_disabled(
        ports.uow(), user_id=user_id, disabled=disabled, actor=actor, sessions=ports.sessions
    )


def test_200_sign_ins_racing_a_disable_keep_no_session(app):
    doctor = _add_doctor(app)
    admin, _ = create_admin(app, "root@example.org")
    spread = _sign_in_time(app) * 1.5
    outcomes = Counter()
    for _ in range(ROUNDS):
        earlier = _session_of(_login(app, PASSWORD))
        assert earlier and _verify(app, earlier) == 204
        answer: dict = {}

        def sign_in(answer: dict = answer) -> None:
            answer["response"] = _login(app, PASSWORD)

        def disable() -> None:
            _set_disabled(app, doctor.id, disabled=True, by=admin)

        _race(sign_in, disable, spread=spread)
        outcomes[_judge(app, answer["response"], earlier)] += 1
        _set_disabled(app, doctor.id, disabled=False, by=admin)
    print(f"\nsign-in vs disable, {ROUNDS} rounds: {dict(outcomes)}")
    assert sum(outcomes.values()) == ROUNDS


def _judge(app: Flask, response, earlier: str) -> str:
    """After the revocation returned: the earlier session and any session the racing sign-in got are dead."""
    assert _verify(app, earlier) == 401, "a session from before the revocation survived it"
    secret = _session_of(response)
    if response.status_code == 200:
        assert secret is not None
        assert _verify(app, secret) == 401, "a session signed in during the revocation survived it"
        return "signed in, then refused by verify"
    assert secret is None
    if response.status_code == 401 and response.json["detail"] == SIGN_IN_INTERRUPTED:
        return "refused when stored"
    assert response.status_code in {401, 403}, response.json
    return "refused at the password or disabled check"


class _RevokingHasher(PasswordHasher):
    """The real hasher, with a revocation run while the password check is in progress."""

    def __init__(self, real: PasswordHasher, revoke: Callable[[], None]) -> None:
        self.real, self.revoke = real, revoke

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        verdict = self.real.verify(password, password_hash)
        self.revoke()
        return verdict

    def needs_rehash(self, password_hash: str) -> bool:
        return False


@pytest.mark.parametrize("revocation", ["disable", "role change", "sign out everywhere"])
def test_a_revocation_during_the_password_check_leaves_the_sign_in_without_a_session(app, revocation):
    doctor = _add_doctor(app)
    ports = app.extensions["container"].ports
    admin, _ = create_admin(app, "root@example.org")
    revoke = {
        "disable": lambda: _set_disabled(app, doctor.id, disabled=True, by=admin),
        "role change": lambda: change_role(
            ports.uow(),
            user_id=doctor.id,
            role=Role.ADMIN,
            actor=Identity(user_id=admin.id, role="admin"),
            sessions=ports.sessions,
        ),
        "sign out everywhere": lambda: sign_out_everywhere(user_id=doctor.id, sessions=ports.sessions),
    }[revocation]
    real = ports.hasher
    ports.hasher = _RevokingHasher(real, revoke)
    try:
        response = _login(app, PASSWORD)
    finally:
        ports.hasher = real
    assert response.status_code == 401
    assert response.json["detail"] == SIGN_IN_INTERRUPTED
    assert _session_of(response) is None
    assert app.extensions["container"].ports.sessions.for_user(doctor.id) == []


def test_a_session_stored_before_a_revocation_read_its_generation_is_dead_at_the_next_verify(app):
    doctor = _add_doctor(app)
    gateway = Gateway(app.test_client())
    signed_in = gateway.login(DOCTOR)
    secret = _session_of(signed_in)
    assert _verify(app, secret) == 204
    # The revocation's index read missed it (as if stored a moment after): the generation still ends it.
    redis_db = app.extensions["container"].redis
    redis_db.delete(f"auth:user-sessions:{doctor.id}")
    sign_out_everywhere(user_id=doctor.id, sessions=app.extensions["container"].ports.sessions)
    assert _verify(app, secret) == 401
    assert gateway.get("/api/v1/auth/me", origin=ORIGIN).status_code == 401


def test_a_sign_in_after_the_revocation_gets_a_working_session(app):
    doctor = _add_doctor(app)
    sign_out_everywhere(user_id=doctor.id, sessions=app.extensions["container"].ports.sessions)
    sign_out_everywhere(user_id=doctor.id, sessions=app.extensions["container"].ports.sessions)
    secret = _session_of(_login(app, PASSWORD))
    assert secret and _verify(app, secret) == 204
    assert len(app.extensions["container"].ports.sessions.for_user(doctor.id)) == 1
