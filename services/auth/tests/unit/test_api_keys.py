"""API keys: issued with scopes and an expiry, the secret shown once and kept only as a digest, revoked
at once, and limited per minute."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from auth_service.domain.api_keys import secret_digest
from auth_service.service_layer.api_keys import (
    INVALID_KEY,
    ApiKeyRateLimited,
    create_api_key,
    list_api_keys,
    revoke_api_key,
    verify_api_key,
)
from hospital_shared.errors import Unauthorized, ValidationFailed

from .conftest import run

ADMIN = uuid.uuid4()


def issue(ports, **changes):
    command = {"name": "Referral portal", "scopes": frozenset({"slots:read"}), "created_by": ADMIN}
    return run(create_api_key, ports, **{**command, **changes})


def verify(ports, secret):
    return run(verify_api_key, ports, secret=secret)


def test_a_new_key_has_a_secret_that_is_stored_only_as_its_digest(ports, uow):
    issued = issue(ports)

    assert issued.secret.startswith("hsk_") and len(issued.secret) == 4 + 43
    stored = uow.api_keys.rows[issued.key.id]
    assert stored.secret_sha256 == secret_digest(issued.secret)
    assert issued.secret not in repr(stored)
    assert issued.secret.startswith(stored.prefix) and len(stored.prefix) == 12


def test_a_key_expires_in_90_days_by_default_and_in_a_year_at_most(ports):
    now = ports.clock.now()
    assert issue(ports).key.expires_at == now + timedelta(days=90)
    with pytest.raises(ValidationFailed) as too_long:
        issue(ports, expires_at=now + timedelta(days=366))
    assert "expires_at" in too_long.value.errors
    with pytest.raises(ValidationFailed):
        issue(ports, expires_at=now - timedelta(seconds=1))


def test_unknown_or_missing_scopes_are_refused(ports):
    with pytest.raises(ValidationFailed) as unknown:
        issue(ports, scopes=frozenset({"slots:read", "everything"}))
    assert "scopes" in unknown.value.errors
    with pytest.raises(ValidationFailed):
        issue(ports, scopes=frozenset())


def test_a_valid_key_is_verified_with_its_scopes_and_rate_window(ports):
    issued = issue(ports, scopes=frozenset({"slots:read", "directory:read"}), rate_limit_per_minute=5)

    verified = run(verify_api_key, ports, secret=issued.secret)

    assert verified.key.id == issued.key.id
    assert verified.key.scopes == {"slots:read", "directory:read"}
    assert verified.window.headers()["RateLimit-Limit"] == "5"
    assert verified.window.headers()["RateLimit-Remaining"] == "4"


@pytest.mark.parametrize("secret", ["hsk_" + "x" * 43, "not-a-key", "", "hsk_"])
def test_an_unknown_key_is_401_naming_the_key(ports, secret):
    with pytest.raises(Unauthorized) as refused:
        verify(ports, secret)
    assert refused.value.detail == INVALID_KEY
    assert refused.value.headers["X-Auth-Refusal"] == "api-key-invalid"


def test_an_expired_key_is_refused(ports):
    issued = issue(ports, expires_at=ports.clock.now() + timedelta(minutes=5))
    ports.clock.advance(minutes=5)
    with pytest.raises(Unauthorized):
        verify(ports, issued.secret)


def test_a_revoked_key_is_refused_on_the_next_call(ports):
    issued = issue(ports)
    verify(ports, issued.secret)

    run(revoke_api_key, ports, key_id=issued.key.id)

    with pytest.raises(Unauthorized):
        verify(ports, issued.secret)


def test_over_the_limit_the_key_is_refused_with_retry_after_until_the_minute_ends(ports):
    issued = issue(ports, rate_limit_per_minute=2)
    ports.clock.advance(seconds=15)  # 09:00:15: the window ends in 45 s
    verify(ports, issued.secret)
    verify(ports, issued.secret)

    with pytest.raises(ApiKeyRateLimited) as limited:
        verify(ports, issued.secret)

    headers = limited.value.headers
    assert headers["X-Auth-Refusal"] == "rate-limited"
    assert (headers["Retry-After"], headers["RateLimit-Remaining"], headers["RateLimit-Reset"]) == (
        "45",
        "0",
        "45",
    )
    ports.clock.advance(seconds=45)
    assert run(verify_api_key, ports, secret=issued.secret).window.remaining == 1


def test_last_use_is_written_once_a_minute_not_on_every_call(ports, uow):
    issued = issue(ports)
    for _ in range(5):
        verify(ports, issued.secret)
    ports.clock.advance(minutes=1)
    verify(ports, issued.secret)

    assert len(uow.api_keys.used) == 2


def test_keys_are_listed_newest_first_with_revoked_ones(ports):
    first = issue(ports)
    ports.clock.advance(minutes=1)
    second = issue(ports, name="Second")
    run(revoke_api_key, ports, key_id=first.key.id)

    listed = run(list_api_keys, ports, page=1, page_size=10)

    assert [k.id for k in listed.items] == [second.key.id, first.key.id]
    assert listed.items[1].revoked_at is not None
