import json
from urllib.parse import parse_qs, urlsplit

import pytest

from auth_service.domain.id_token import b64url_encode
from auth_service.domain.users import Role
from auth_service.service_layer.openid_sign_in import (
    OpenIdCallback,
    OpenIdSignInFailed,
    finish_openid_sign_in,
    pkce_challenge,
    start_openid_sign_in,
)
from auth_service.service_layer.sessions import ClientInfo

from .conftest import run

CLIENT = ClientInfo(ip_address="192.0.2.1")


def _start(ports):
    started = run(start_openid_sign_in, ports, state_ttl_seconds=600)
    params = {k: v[0] for k, v in parse_qs(urlsplit(started.authorization_url).query).items()}
    return started, params


def _id_token(ports, params, **changes):
    now = ports.clock.now().timestamp()
    claims = {
        "iss": "https://issuer.test",
        "aud": "client-1",
        "sub": "google-123",
        "exp": now + 300,
        "iat": now,
        "nonce": params["nonce"],
        "email": "ann@example.org",
        "email_verified": True,
        "name": "Ann Google",
    }
    claims.update(changes)
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": "k"}).encode())
    return f"{header}.{b64url_encode(json.dumps(claims).encode())}.{b64url_encode(b'sig')}"


def _finish(ports, started, params, *, state=None, binding=None, code="code-1", error=None):
    return run(
        finish_openid_sign_in,
        ports,
        callback=OpenIdCallback(
            state=params["state"] if state is None else state,
            code=code,
            error=error,
            browser_binding=started.browser_binding if binding is None else binding,
        ),
        client=CLIENT,
        previous_secret=None,
    )


def test_the_start_sends_state_nonce_and_an_s256_pkce_challenge(ports):
    _, params = _start(ports)
    assert params["code_challenge_method"] == "S256"
    pending = ports.pending_sign_ins.pending[params["state"]]
    assert params["code_challenge"] == pkce_challenge(pending.code_verifier)
    assert params["nonce"] == pending.nonce
    assert len(params["state"]) >= 43


def test_a_new_provider_user_becomes_a_signed_in_patient_and_comes_back_to_the_same_account(ports):
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    first = _finish(ports, started, params)
    assert first.user.role is Role.PATIENT and first.user.email_verified
    assert ports.openid.exchanged == [("code-1", ports.openid.exchanged[0][1])]
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params, email="renamed@example.org")
    again = _finish(ports, started, params)
    assert again.user.id == first.user.id


@pytest.mark.parametrize(
    ("state", "binding"),
    [("", None), ("forged-state", None), (None, "another-browser")],
)
def test_a_missing_wrong_or_foreign_state_fails_without_a_token_exchange(ports, state, binding):
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    with pytest.raises(OpenIdSignInFailed) as failed:
        _finish(ports, started, params, state=state, binding=binding)
    assert failed.value.code == "state_invalid"
    assert ports.openid.exchanged == []
    assert ports.sessions.by_secret == {}


def test_a_state_works_only_once(ports):
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    _finish(ports, started, params)
    ports.openid.next_id_token = _id_token(ports, params)
    with pytest.raises(OpenIdSignInFailed, match="state_invalid"):
        _finish(ports, started, params)


def test_a_provider_error_or_failed_exchange_or_bad_signature_fails_cleanly(ports):
    started, params = _start(ports)
    with pytest.raises(OpenIdSignInFailed, match="provider_refused"):
        _finish(ports, started, params, error="access_denied")
    started, params = _start(ports)
    with pytest.raises(OpenIdSignInFailed, match="token_exchange_failed"):
        _finish(ports, started, params)
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    ports.openid.signature_ok = False
    with pytest.raises(OpenIdSignInFailed, match="id_token_invalid"):
        _finish(ports, started, params)
    assert ports.sessions.by_secret == {}


@pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR, Role.ADMIN])
def test_a_provider_user_with_the_verified_email_of_an_account_is_refused_unlinked(ports, add_user, role):
    # The provider vouching for the address is no consent of the owner: only the owner links (identity_links).
    add_user("ann@example.org", email_verified=True, role=role)
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    with pytest.raises(OpenIdSignInFailed, match="link_required"):
        _finish(ports, started, params)
    assert ports.uow().identities.links == {}
    assert ports.sessions.by_secret == {}


def test_a_provider_user_does_not_take_over_an_unverified_password_account(ports, add_user):
    add_user("ann@example.org", email_verified=False)
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    with pytest.raises(OpenIdSignInFailed, match="account_conflict"):
        _finish(ports, started, params)
    assert ports.uow().identities.links == {}
    assert ports.sessions.by_secret == {}


def test_a_provider_user_with_an_unverified_email_neither_links_nor_claims_the_address(ports, add_user):
    add_user("ann@example.org", email_verified=True)
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params, email_verified=False)
    with pytest.raises(OpenIdSignInFailed, match="email_not_verified"):
        _finish(ports, started, params)
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params, email="new@example.org", email_verified=False)
    with pytest.raises(OpenIdSignInFailed, match="email_not_verified"):
        _finish(ports, started, params)
    assert ports.uow().users.by_email("new@example.org") is None


def test_an_authorization_response_naming_another_issuer_fails_before_the_exchange(ports):
    started, params = _start(ports)
    ports.openid.next_id_token = _id_token(ports, params)
    callback = OpenIdCallback(
        state=params["state"],
        code="code-1",
        error=None,
        browser_binding=started.browser_binding,
        issuer="https://mix.up",
    )
    with pytest.raises(OpenIdSignInFailed, match="issuer_mismatch"):
        run(finish_openid_sign_in, ports, callback=callback, client=CLIENT, previous_secret=None)
    assert ports.openid.exchanged == []
