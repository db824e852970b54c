"""Must show 6 and 7 against a real OpenID provider (npm oidc-provider) on loopback."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from .conftest import PASSWORD, PUBLIC_BASE_URL, Gateway
from .oidc_provider_process import OidcProviderProcess

CLIENT_ID = "hospital-test-client"
CLIENT_SECRET = "hospital-test-secret"
REDIRECT_URI = PUBLIC_BASE_URL + "/api/v1/auth/oauth/google/callback"
START = "/api/v1/auth/oauth/google/start"
CALLBACK = "/api/v1/auth/oauth/google/callback"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProviderProcess]:
    process = OidcProviderProcess(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        log_path=tmp_path_factory.mktemp("oidc") / "provider.log",
    ).start()
    yield process
    process.stop()


@pytest.fixture
def oidc_settings(provider: OidcProviderProcess) -> dict[str, Any]:
    return {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_uri": REDIRECT_URI,
    }


def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Be the user's browser at the provider: log in through its form, consent, return the callback query."""
    browser = requests.Session()
    url, data = authorization_url, None
    for _ in range(12):
        response = browser.request(
            "POST" if data else "GET", url, data=data, allow_redirects=False, timeout=10
        )
        if response.is_redirect:
            url, data = urljoin(url, response.headers["Location"]), None
            if url.startswith(REDIRECT_URI):
                return urlsplit(url).query
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
        assert action and prompt, response.text[:500]
        data = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            data |= {"login": login, "password": "anything"}
        url = urljoin(url, html.unescape(action.group(1)))
    raise AssertionError("the provider never redirected back")


def start(gateway: Gateway) -> str:
    response = gateway.get(START)
    assert response.status_code == 302
    return response.headers["Location"]


def google_sign_in(gateway: Gateway, login: str) -> tuple[Any, str]:
    query = sign_in_at_provider(start(gateway), login)
    return gateway.get(f"{CALLBACK}?{query}"), query


def refused(response: Any, code: str) -> bool:
    return response.status_code == 302 and response.headers["Location"] == f"/app/?auth_error={code}"


def test_the_start_redirect_carries_state_nonce_pkce_and_the_exact_redirect_uri(gateway, provider):
    location = start(gateway)
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert location.startswith(provider.issuer + "/auth?")
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["response_type"] == "code" and "openid" in params["scope"].split()
    assert len(params["state"]) >= 43 and len(params["nonce"]) >= 43
    assert gateway.client.get_cookie("hospital_oidc", path="/api/v1/auth/oauth/") is not None


def test_a_new_google_user_is_created_signed_in_and_comes_back_to_the_same_account(gateway, redis_db):
    response, _ = google_sign_in(gateway, "alice")
    assert response.status_code == 302 and response.headers["Location"] == "/app/"
    me = gateway.get("/api/v1/auth/me").json
    assert me["email"] == "alice@example.test" and me["role"] == "patient" and me["email_verified"]

    gateway.post("/api/v1/auth/logout", csrf=me["csrf_token"])
    assert gateway.get("/api/v1/auth/me").status_code == 401
    again, _ = google_sign_in(gateway, "alice")
    assert again.headers["Location"] == "/app/"
    assert gateway.get("/api/v1/auth/me").json["id"] == me["id"]


def test_a_missing_or_wrong_state_fails_with_no_session(gateway, redis_db):
    query = sign_in_at_provider(start(gateway), "bob")
    params = parse_qs(query)
    no_state = gateway.get(f"{CALLBACK}?code={params['code'][0]}")
    assert refused(no_state, "state_invalid")
    wrong_state = gateway.get(f"{CALLBACK}?code={params['code'][0]}&state=forged")
    assert refused(wrong_state, "state_invalid")
    assert gateway.session_cookie() is None
    assert redis_db.keys("auth:session:*") == []


def test_a_state_from_another_browser_fails(gateway, another_browser, redis_db):
    query = sign_in_at_provider(start(gateway), "bob")
    assert refused(another_browser.get(f"{CALLBACK}?{query}"), "state_invalid")
    assert redis_db.keys("auth:session:*") == []


def test_a_replayed_callback_or_code_fails_with_no_new_session(gateway, another_browser, redis_db):
    response, query = google_sign_in(gateway, "carol")
    assert response.headers["Location"] == "/app/"
    sessions_before = set(redis_db.keys("auth:session:*"))
    assert refused(gateway.get(f"{CALLBACK}?{query}"), "state_invalid")
    # The same code under a fresh state of another browser: the provider refuses the replayed code.
    fresh = parse_qs(urlsplit(start(another_browser)).query)["state"][0]
    old_code = parse_qs(query)["code"][0]
    assert refused(another_browser.get(f"{CALLBACK}?code={old_code}&state={fresh}"), "token_exchange_failed")
    assert set(redis_db.keys("auth:session:*")) == sessions_before
    assert another_browser.session_cookie() is None


def test_a_provider_error_answer_fails_cleanly(gateway):
    state = parse_qs(urlsplit(start(gateway)).query)["state"][0]
    assert refused(gateway.get(f"{CALLBACK}?error=access_denied&state={state}"), "provider_refused")
    assert gateway.session_cookie() is None


def test_a_google_user_does_not_take_over_an_unverified_password_account(gateway, another_browser, redis_db):
    # Someone registered dave's address with a password but never proved they own the mailbox.
    squatter = another_browser.register("dave@example.test", password=PASSWORD).json
    response, _ = google_sign_in(gateway, "dave")
    assert refused(response, "account_conflict")
    assert gateway.session_cookie() is None
    # The password account is unchanged and not linked: a later Google sign-in still cannot enter it.
    assert another_browser.get("/api/v1/auth/me").json["id"] == squatter["id"]
    again, _ = google_sign_in(gateway, "dave")
    assert refused(again, "account_conflict")


def test_a_google_account_cannot_be_taken_over_by_registering_its_email(gateway, another_browser):
    google_sign_in(gateway, "erin")
    attempt = another_browser.register("erin@example.test", password=PASSWORD)
    assert attempt.status_code == 409
    assert another_browser.session_cookie() is None
    assert another_browser.login("erin@example.test", password=PASSWORD).status_code == 401


def test_a_google_user_with_the_verified_email_of_a_verified_account_is_refused_until_its_owner_links_it(
    gateway, another_browser, mailbox
):
    from .conftest import token_in

    ann = another_browser.register("frank@example.test").json
    token = token_in(mailbox.wait_for(to="frank@example.test", subject="Confirm"))
    assert (
        another_browser.post(
            "/api/v1/auth/email/verify", json={"token": token}, csrf=ann["csrf_token"]
        ).status_code
        == 204
    )
    # A verified address on both sides is no consent of the owner: the owner links (test_identity_links).
    response, _ = google_sign_in(gateway, "frank")
    assert refused(response, "link_required")
    assert gateway.session_cookie() is None
    assert gateway.get("/api/v1/auth/me").status_code == 401


def test_a_provider_user_with_an_unverified_email_is_not_signed_in(gateway):
    response, _ = google_sign_in(gateway, "unverified-gina")
    assert refused(response, "email_not_verified")
