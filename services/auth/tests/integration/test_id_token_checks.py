"""Must show 6 (negative cases): crafted ID tokens from a test double of the token endpoint are all refused,
with no session and no account created."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import text

from .conftest import PUBLIC_BASE_URL, Gateway
from .fake_openid_provider import FakeOpenIdProvider

CLIENT_ID = "hospital-test-client"
REDIRECT_URI = PUBLIC_BASE_URL + "/api/v1/auth/oauth/google/callback"
CALLBACK = "/api/v1/auth/oauth/google/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeOpenIdProvider]:
    fake = FakeOpenIdProvider(client_id=CLIENT_ID).start()
    yield fake
    fake.stop()


@pytest.fixture
def oidc_settings(provider: FakeOpenIdProvider) -> dict[str, Any]:
    return {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": "secret",
        "oidc_redirect_uri": REDIRECT_URI,
    }


def begin(gateway: Gateway) -> dict[str, str]:
    location = gateway.get("/api/v1/auth/oauth/google/start").headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def finish(gateway: Gateway, params: dict[str, str]) -> Any:
    return gateway.get(f"{CALLBACK}?code=the-code&state={params['state']}")


def nothing_was_created(app, redis_db) -> bool:
    with app.extensions["container"].engine.connect() as connection:
        users = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
    return users == 0 and redis_db.keys("auth:session:*") == []


def test_a_well_formed_token_from_the_double_signs_in(gateway, provider):
    params = begin(gateway)
    provider.serve_id_token(provider.sign(provider.claims(params["nonce"])))
    response = finish(gateway, params)
    assert response.headers["Location"] == "/app/"
    assert gateway.get("/api/v1/auth/me").json["email"] == "fake.user@example.test"
    request = provider.token_requests[-1]
    assert request["grant_type"] == "authorization_code" and request["redirect_uri"] == REDIRECT_URI
    assert 43 <= len(request["code_verifier"]) <= 128


def _now() -> int:
    return int(time.time())


CRAFTED = {
    "wrong aud": ("aud", lambda p, nonce: p.sign(p.claims(nonce, aud="someone-else"))),
    "wrong iss": ("iss", lambda p, nonce: p.sign(p.claims(nonce, iss="https://accounts.evil.example"))),
    "expired": ("expired", lambda p, nonce: p.sign(p.claims(nonce, exp=_now() - 3600, iat=_now() - 3700))),
    "wrong nonce": ("nonce", lambda p, nonce: p.sign(p.claims("another-nonce"))),
    "missing nonce": ("nonce", lambda p, nonce: p.sign(p.claims(nonce, nonce=None))),
    "alg none": ("alg", lambda p, nonce: p.sign(p.claims(nonce), header={"alg": "none", "kid": p.KID})),
    "alg HS256": ("alg", lambda p, nonce: p.sign(p.claims(nonce), header={"alg": "HS256", "kid": p.KID})),
    "bad signature": ("signature", lambda p, nonce: p.sign(p.claims(nonce))[:-6] + "AAAAAA"),
    "signed by another key": (
        "signature",
        lambda p, nonce: p.sign(
            p.claims(nonce), key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ),
    ),
    "unknown kid": ("kid", lambda p, nonce: p.sign(p.claims(nonce), header={"alg": "RS256", "kid": "other"})),
    "foreign azp": ("azp", lambda p, nonce: p.sign(p.claims(nonce, aud=[CLIENT_ID, "other"], azp="other"))),
}


@pytest.mark.parametrize("crafted", list(CRAFTED), ids=list(CRAFTED))
def test_a_crafted_id_token_is_refused_with_no_session(app, gateway, provider, redis_db, caplog, crafted):
    reason, craft = CRAFTED[crafted]
    params = begin(gateway)
    provider.serve_id_token(craft(provider, params["nonce"]))
    with caplog.at_level(logging.WARNING, logger="auth_service"):
        response = finish(gateway, params)
    assert response.status_code == 302
    assert response.headers["Location"] == "/app/?auth_error=id_token_invalid"
    refusal = next(r for r in caplog.records if r.getMessage() == "openid sign-in refused")
    assert reason in refusal.reason
    assert gateway.session_cookie() is None
    assert nothing_was_created(app, redis_db)


def test_a_token_endpoint_error_is_refused_with_no_session(app, gateway, provider, redis_db):
    params = begin(gateway)
    provider.next_response = (400, {"error": "invalid_grant"})
    assert finish(gateway, params).headers["Location"] == "/app/?auth_error=token_exchange_failed"
    assert nothing_was_created(app, redis_db)


def test_unknown_callback_parameters_are_ignored_and_a_foreign_iss_is_refused(
    app, gateway, provider, redis_db
):
    params = begin(gateway)
    provider.serve_id_token(provider.sign(provider.claims(params["nonce"])))
    mixed_up = gateway.get(f"{CALLBACK}?code=c&state={params['state']}&iss=https://other.example&extra=1")
    assert mixed_up.headers["Location"] == "/app/?auth_error=issuer_mismatch"
    assert nothing_was_created(app, redis_db)
