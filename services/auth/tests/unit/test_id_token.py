import json
from datetime import UTC, datetime, timedelta

import pytest

from auth_service.domain.id_token import (
    Expectations,
    IdTokenInvalid,
    b64url_encode,
    check_claims,
    parse_id_token,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXPECTED = Expectations(
    issuer="https://issuer.test",
    client_id="client-1",
    nonce="n-123",
    now=NOW,
    clock_skew=timedelta(seconds=60),
)


def compact(header: dict, claims: dict, signature: bytes = b"sig") -> str:
    return ".".join(
        [
            b64url_encode(json.dumps(header).encode()),
            b64url_encode(json.dumps(claims).encode()),
            b64url_encode(signature),
        ]
    )


def claims(**changes) -> dict:
    base = {
        "iss": "https://issuer.test",
        "aud": "client-1",
        "sub": "provider-user-1",
        "exp": NOW.timestamp() + 300,
        "iat": NOW.timestamp() - 5,
        "nonce": "n-123",
        "email": "ann@example.org",
        "email_verified": True,
        "name": "Ann",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_a_well_formed_token_gives_the_provider_identity():
    identity = check_claims(parse_id_token(compact({"alg": "RS256", "kid": "k1"}, claims())).claims, EXPECTED)
    assert (identity.issuer, identity.subject, identity.email, identity.email_verified) == (
        "https://issuer.test",
        "provider-user-1",
        "ann@example.org",
        True,
    )


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "RS512", "ES256", None])
def test_any_algorithm_but_rs256_is_refused_before_looking_at_keys(alg):
    with pytest.raises(IdTokenInvalid, match="alg"):
        parse_id_token(compact({"alg": alg}, claims()))


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!.e30.c2ln", "e30.e30.c2ln"])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(IdTokenInvalid):
        parse_id_token(token)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://evil.test"}, "iss"),
        ({"iss": None}, "iss"),
        ({"aud": "other-client"}, "aud"),
        ({"aud": ["other-client", "client-1"]}, "azp"),
        ({"aud": ["other-client", "client-1"], "azp": "other-client"}, "azp"),
        ({"azp": "other-client"}, "azp"),
        ({"exp": NOW.timestamp() - 61}, "expired"),
        ({"exp": None}, "exp"),
        ({"exp": "tomorrow"}, "exp"),
        ({"iat": NOW.timestamp() + 600}, "future"),
        ({"iat": NOW.timestamp() - 7200}, "too long ago"),
        ({"nonce": "n-other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"sub": ""}, "sub"),
    ],
)
def test_each_claim_check_refuses_a_token_that_breaks_it(changes, reason):
    with pytest.raises(IdTokenInvalid, match=reason):
        check_claims(claims(**changes), EXPECTED)


def test_a_token_with_several_audiences_and_our_azp_is_accepted():
    assert (
        check_claims(claims(aud=["client-1", "other"], azp="client-1"), EXPECTED).subject == "provider-user-1"
    )


def test_an_unverified_provider_email_is_reported_as_unverified():
    assert not check_claims(claims(email_verified=False), EXPECTED).email_verified
    assert not check_claims(claims(email_verified=None), EXPECTED).email_verified
