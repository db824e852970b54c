"""Must show 2: failed sign-ins from an attacker's network never lock the account's owner out.

Client addresses come from X-Forwarded-For as the gateway sets it (the `Gateway` helper), so each test chooses
the attacker's and the owner's networks; the service's clock is moved forward instead of waiting.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from auth_service.config import Settings
from auth_service.domain.users import Role, User
from hospital_testing import private_redis_fixture

from .conftest import PASSWORD, Gateway

DOCTOR = "dr.dora@example.org"
HOSPITAL = "192.0.2.10"  # the doctor's usual network: she has signed in from it before
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"  # a network the doctor never signed in from


private_redis_url = private_redis_fixture()


@pytest.fixture
def settings(settings: Settings, private_redis_url: str) -> Settings:  # the module's own Redis
    return replace(settings, redis_url=private_redis_url)


@pytest.fixture
def doctor(app: Flask) -> User:
    ports = app.extensions["container"].ports
    user = User.new(
        email=DOCTOR,
        full_name="Dr. Dora",
        role=Role.DOCTOR,
        now=ports.clock.now(),
        password_hash=ports.hasher.hash(PASSWORD),
        email_verified=True,
    )
    with ports.uow() as uow:
        uow.users.add(user)
        uow.commit()
    assert _from(app, HOSPITAL).login(DOCTOR).status_code == 200  # makes the hospital a usual network
    return user


def _from(app: Flask, address: str) -> Gateway:
    return Gateway(app.test_client(), client_address=address)


def _attack_once_a_minute_for_ten_minutes(app: Flask, clock) -> list[int]:
    statuses = []
    for minute in range(10):
        if minute:
            clock.advance(minutes=1)
        statuses.append(_from(app, ATTACKER).login(DOCTOR, password=f"guess {minute}").status_code)
    clock.advance(seconds=5)
    return statuses


def test_an_attacker_failing_once_a_minute_for_ten_minutes_does_not_stop_the_doctor_signing_in(
    app, doctor, clock
):
    statuses = _attack_once_a_minute_for_ten_minutes(app, clock)
    signed_in = _from(app, HOSPITAL).login(DOCTOR)
    print(f"\nattacker, once a minute: {statuses}; the doctor 5 s later: {signed_in.status_code}")
    assert statuses == [401] * 10
    assert signed_in.status_code == 200 and signed_in.json["role"] == "doctor"


def test_from_a_new_network_the_doctor_waits_at_most_the_slowdown_then_the_password_lets_her_in(
    app, doctor, clock
):
    _attack_once_a_minute_for_ten_minutes(app, clock)
    slowed = _from(app, HOME).login(DOCTOR)
    assert slowed.status_code == 429 and slowed.mimetype == "application/problem+json"
    assert slowed.json["detail"] == "Too many failed sign-ins. Wait a little, then try again."
    retry_after = int(slowed.headers["Retry-After"])
    assert 0 < retry_after <= 60
    clock.advance(seconds=retry_after)
    signed_in = _from(app, HOME).login(DOCTOR)
    print(f"\nthe doctor from a new network: 429 Retry-After {retry_after}, then {signed_in.status_code}")
    assert signed_in.status_code == 200


def test_thirty_quick_failures_lock_only_the_attackers_network_out_of_the_account(app, doctor):
    statuses = [_from(app, ATTACKER).login(DOCTOR, password=f"guess {n}").status_code for n in range(30)]
    assert statuses[:5] == [401] * 5 and statuses.count(429) >= 20
    # The attacker's network is locked even with the right password (no oracle for the guesser)...
    assert _from(app, ATTACKER).login(DOCTOR).status_code == 429
    # ...the doctor's is not.
    assert _from(app, HOSPITAL).login(DOCTOR).status_code == 200


def test_guesses_spread_over_many_networks_slow_the_account_down_but_not_at_the_usual_network(app, doctor):
    spread = [_from(app, f"198.18.0.{n}").login(DOCTOR, password="guess").status_code for n in range(1, 12)]
    assert spread[:5] == [401] * 5 and 429 in spread
    assert _from(app, HOSPITAL).login(DOCTOR).status_code == 200


def test_ipv6_addresses_of_one_64_are_one_network(app, doctor):
    one_64 = [
        _from(app, f"2001:db8:1:2::{n:x}").login(DOCTOR, password="guess").status_code for n in range(1, 9)
    ]
    assert one_64[:5] == [401] * 5 and one_64[-1] == 429
    assert _from(app, "2001:db8:1:2::ffff").login(DOCTOR).status_code == 429
    assert _from(app, HOSPITAL).login(DOCTOR).status_code == 200


def test_credential_stuffing_from_one_64_is_stopped_while_other_networks_sign_in(app, settings, doctor):
    for n in range(settings.login_ip_max_failures):
        address = f"2001:db8:7:7::{n + 1:x}"
        assert _from(app, address).login(f"user{n}@example.org", password="guess").status_code == 401
    assert _from(app, "2001:db8:7:7::abcd").login("someone@example.org").status_code == 429
    assert _from(app, "2001:db8:7:8::1").login("someone@example.org").status_code == 401
    assert _from(app, HOSPITAL).login(DOCTOR).status_code == 200


def test_a_password_reset_lifts_the_lock_of_the_owners_own_network(app, doctor, mailbox):
    from .conftest import token_in

    for n in range(8):
        _from(app, HOME).login(DOCTOR, password=f"forgotten {n}")
    assert _from(app, HOME).login(DOCTOR).status_code == 429
    _from(app, HOME).post("/api/v1/auth/password/forgot", json={"email": DOCTOR})
    token = token_in(mailbox.wait_for(to=DOCTOR, subject="Reset"))
    reset = {"token": token, "new_password": "a brand new passphrase"}
    assert _from(app, HOME).post("/api/v1/auth/password/reset", json=reset).status_code == 204
    assert _from(app, HOME).login(DOCTOR, password="a brand new passphrase").status_code == 200
