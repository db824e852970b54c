"""Must show 4 and 8: same answer for known and unknown emails, slowed guessing, password lengths."""

import statistics
import time

import bcrypt

from auth_service.adapters.security.bcrypt_hasher import BcryptPasswordHasher
from auth_service.config import Settings

from .conftest import PASSWORD


def _strip_volatile(response):
    return response.status_code, response.mimetype, response.json


def test_a_wrong_password_and_an_unknown_email_get_the_same_status_and_body(gateway, another_browser):
    gateway.register("ann@example.org")
    known = another_browser.login("ann@example.org", password="wrong password")
    unknown = another_browser.login("nobody@example.org", password="wrong password")
    assert known.status_code == 401
    assert _strip_volatile(known) == _strip_volatile(unknown)


def test_a_wrong_password_and_an_unknown_email_take_about_the_same_time(gateway, another_browser):
    gateway.register("ann@example.org")

    def timed(email: str) -> float:
        started = time.perf_counter()
        another_browser.login(email, password="wrong password")
        return time.perf_counter() - started

    known = statistics.median(timed("ann@example.org") for _ in range(5))
    unknown = statistics.median(timed(f"nobody{n}@example.org") for n in range(5))
    # Both spend one bcrypt check; allow generous noise on a busy 2-core machine.
    assert abs(known - unknown) < max(known, unknown) * 0.6 + 0.02


def test_twenty_wrong_passwords_are_refused_and_the_owner_signs_in_after_the_cool_down(
    gateway, another_browser, clock
):
    gateway.register("ann@example.org")
    statuses = [
        another_browser.login("ann@example.org", password=f"guess {n}").status_code for n in range(20)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses.count(429) >= 10
    locked = another_browser.login("ann@example.org")  # even the right password waits during a lock
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 300
    assert locked.mimetype == "application/problem+json"
    clock.advance(minutes=5, seconds=1)
    assert another_browser.login("ann@example.org").status_code == 200


def test_an_unknown_email_is_slowed_down_exactly_like_a_known_one(another_browser):
    statuses = [another_browser.login("nobody@example.org", password="guess").status_code for _ in range(8)]
    assert statuses[:5] == [401] * 5 and 429 in statuses


def test_the_password_reset_lifts_a_lock(gateway, another_browser, mailbox):
    from .conftest import token_in

    gateway.register("ann@example.org")
    for n in range(8):
        another_browser.login("ann@example.org", password=f"guess {n}")
    another_browser.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"})
    token = token_in(mailbox.wait_for(to="ann@example.org", subject="Reset"))
    another_browser.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "a new password"}
    )
    assert another_browser.login("ann@example.org", password="a new password").status_code == 200


def test_too_short_and_too_long_passwords_are_refused_with_a_clear_message(gateway):
    short = gateway.register(password="seven77")
    assert short.status_code == 422
    assert short.json["errors"]["password"] == ["Use at least 8 characters."]
    long = gateway.register(password="é" * 37)  # 74 bytes of UTF-8, only 37 characters
    assert long.status_code == 422
    assert "at most 72 bytes" in long.json["errors"]["password"][0]
    assert gateway.session_cookie() is None


def test_two_passwords_sharing_the_first_72_bytes_are_not_interchangeable(gateway, another_browser):
    exactly_72 = "p" * 72
    assert gateway.register(password=exactly_72).status_code == 201
    assert another_browser.login("ann@example.org", password=exactly_72 + "x").status_code == 401
    assert another_browser.login("ann@example.org", password=exactly_72[:-1]).status_code == 401
    assert another_browser.login("ann@example.org", password=exactly_72).status_code == 200


def test_the_default_bcrypt_cost_is_at_least_12():
    assert Settings().bcrypt_rounds >= 12
    hashed = BcryptPasswordHasher(Settings().bcrypt_rounds).hash(PASSWORD)
    assert hashed.startswith("$2b$12$")
    assert bcrypt.checkpw(PASSWORD.encode(), hashed.encode())


def test_production_refuses_a_bcrypt_cost_below_12():
    import pytest

    from hospital_shared.settings import SettingsError

    with pytest.raises(SettingsError, match="BCRYPT_ROUNDS"):
        Settings(
            environment="production", internal_token="a-real-secret-of-32-characters!!", bcrypt_rounds=10
        ).validate()


def test_a_weaker_stored_hash_is_upgraded_at_sign_in(app, gateway, another_browser):
    gateway.register("ann@example.org")
    container = app.extensions["container"]
    with container.uow() as uow:
        user = uow.users.by_email("ann@example.org")
        uow.users.save(user.with_password(bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()))
        uow.commit()
    container.ports.hasher.rounds = 5
    assert another_browser.login("ann@example.org").status_code == 200
    with container.uow() as uow:
        assert uow.users.by_email("ann@example.org").password_hash.startswith("$2b$05$")


def test_one_address_guessing_many_accounts_is_stopped_while_other_addresses_sign_in(app, settings, gateway):
    from .conftest import Gateway

    gateway.register("ann@example.org")
    attacker = Gateway(app.test_client(), client_address="203.0.113.66")
    for n in range(settings.login_ip_max_failures):
        assert attacker.login(f"user{n}@example.org", password="guess").status_code == 401
    assert attacker.login("ann@example.org").status_code == 429
    assert (
        Gateway(app.test_client(), client_address="198.51.100.7").login("ann@example.org").status_code == 200
    )
