"""Issue 9, must show 4, against the real OpenID provider (npm oidc-provider) on loopback: a Google
identity with an admin's verified email does not sign in as that admin; the admin links it from a signed-in
session with the password entered again, is mailed, and a password reset undoes the link."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import PASSWORD, TOKEN, Gateway, create_admin, token_in
from .test_google_sign_in import (  # noqa: F401 (pytest fixtures)
    CALLBACK,
    google_sign_in,
    oidc_settings,
    provider,
    refused,
    sign_in_at_provider,
)

ADMIN_EMAIL = "root@example.test"  # the provider's user "root" reports this address, verified
LINK_START = "/api/v1/auth/oauth/google/link/start"
NEW_PASSWORD = "plum kettle marching uphill"


def signed_in_admin(app: Any, gateway: Gateway) -> dict[str, Any]:
    create_admin(app, ADMIN_EMAIL)
    assert gateway.login(ADMIN_EMAIL).status_code == 200
    me = gateway.get("/api/v1/auth/me").json
    assert me["role"] == "admin"
    return me


def link_google(gateway: Gateway, csrf: str, login: str, *, password: str = PASSWORD) -> Any:
    started = gateway.post(LINK_START, json={"password": password}, csrf=csrf)
    assert started.status_code == 200, started.json
    query = sign_in_at_provider(started.json["authorization_url"], login)
    return gateway.get(f"{CALLBACK}?{query}")


def links_in_database(app: Any) -> list[tuple[str, str]]:
    engine = app.extensions["container"].engine
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT u.email, e.subject FROM external_identities e JOIN users u ON u.id = e.user_id")
        )
        return [tuple(row) for row in rows]


def new_browser(app: Any) -> Gateway:
    return Gateway(app.test_client())


def test_must_show_4_google_does_not_enter_an_admin_account_until_linked_and_a_reset_undoes_the_link(
    app, gateway, another_browser, mailbox
):
    me = signed_in_admin(app, gateway)

    # 1. A Google identity reporting the admin's address, verified, is refused: no session, no link.
    attempt, _ = google_sign_in(another_browser, "root")
    assert refused(attempt, "link_required")
    assert another_browser.session_cookie() is None
    assert another_browser.get("/api/v1/auth/me").status_code == 401
    assert links_in_database(app) == []
    print("\nGoogle sign-in with the admin's verified email:", attempt.headers["Location"])

    # 2. Linking needs the password again; the signed-in admin enters it and goes through the provider.
    wrong = gateway.post(LINK_START, json={"password": "not the password"}, csrf=me["csrf_token"])
    assert wrong.status_code == 400 and wrong.json["errors"] == {"password": ["wrong password"]}
    linked = link_google(gateway, me["csrf_token"], "root")
    assert linked.status_code == 302 and linked.headers["Location"] == "/app/account?link=linked"
    assert links_in_database(app) == [(ADMIN_EMAIL, "root")]
    mail = mailbox.wait_for(to=ADMIN_EMAIL, subject="A sign-in method was added")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "linked a 127.0.0.1 account" in body and "https://hospital.test/account" in body
    listed = gateway.get("/api/v1/auth/links").json
    assert listed["total"] == 1 and listed["items"][0]["email_at_link"] == ADMIN_EMAIL
    print("link:", linked.headers["Location"], "| mail:", mail["Subject"], "| listed:", listed["total"])

    # 3. Now (and only now) that Google user signs in as the admin.
    now_in, _ = google_sign_in(another_browser, "root")
    assert now_in.headers["Location"] == "/app/"
    assert another_browser.get("/api/v1/auth/me").json["id"] == me["id"]

    # 4. A password reset removes the link: the same Google user no longer reaches the account.
    anonymous = new_browser(app)
    assert anonymous.post("/api/v1/auth/password/forgot", json={"email": ADMIN_EMAIL}).status_code == 202
    token = token_in(mailbox.wait_for(to=ADMIN_EMAIL, subject="Reset your password"))
    reset = anonymous.post("/api/v1/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD})
    assert reset.status_code == 204, reset.json
    assert links_in_database(app) == []
    assert another_browser.get("/api/v1/auth/me").status_code == 401
    after_reset = new_browser(app)
    again, _ = google_sign_in(after_reset, "root")
    assert refused(again, "link_required")
    assert after_reset.get("/api/v1/auth/me").status_code == 401
    print("after the password reset:", again.headers["Location"], "| links:", links_in_database(app))


def test_a_link_started_by_one_session_is_not_finished_by_another_browser(app, gateway, another_browser):
    me = signed_in_admin(app, gateway)
    started = gateway.post(LINK_START, json={"password": PASSWORD}, csrf=me["csrf_token"])
    query = sign_in_at_provider(started.json["authorization_url"], "root")
    assert another_browser.login(ADMIN_EMAIL).status_code == 200  # the same account, another browser
    stolen = another_browser.get(f"{CALLBACK}?{query}")
    assert refused(stolen, "state_invalid")
    assert links_in_database(app) == []


def test_a_link_whose_session_ended_meanwhile_is_refused(app, gateway):
    me = signed_in_admin(app, gateway)
    started = gateway.post(LINK_START, json={"password": PASSWORD}, csrf=me["csrf_token"])
    query = sign_in_at_provider(started.json["authorization_url"], "root")
    assert gateway.post("/api/v1/auth/logout", csrf=me["csrf_token"]).status_code == 204
    finished = gateway.get(f"{CALLBACK}?{query}")
    assert finished.headers["Location"] == "/app/account?link_error=link_session_changed"
    assert links_in_database(app) == []


def test_starting_a_link_needs_a_signed_in_session_and_the_csrf_token(app, gateway, another_browser):
    assert another_browser.post(LINK_START, json={"password": PASSWORD}).status_code == 401
    signed_in_admin(app, gateway)
    assert gateway.post(LINK_START, json={"password": PASSWORD}).status_code == 403
    missing = gateway.post(LINK_START, json={}, csrf=gateway.get("/api/v1/auth/me").json["csrf_token"])
    assert missing.status_code == 422 and "password" in missing.json["errors"]


def test_a_patient_removes_a_link_and_google_no_longer_signs_in_to_the_account(app, gateway, another_browser):
    gateway.register("pat@example.test")
    me = gateway.get("/api/v1/auth/me").json
    assert link_google(gateway, me["csrf_token"], "pat").headers["Location"] == "/app/account?link=linked"
    [link] = gateway.get("/api/v1/auth/links").json["items"]
    assert gateway.delete(f"/api/v1/auth/links/{link['id']}").status_code == 403  # CSRF applies
    assert gateway.delete(f"/api/v1/auth/links/{link['id']}", csrf=me["csrf_token"]).status_code == 204
    assert gateway.delete(f"/api/v1/auth/links/{link['id']}", csrf=me["csrf_token"]).status_code == 404
    assert gateway.get("/api/v1/auth/links").json["total"] == 0
    attempt, _ = google_sign_in(another_browser, "pat")
    assert refused(attempt, "account_conflict")  # pat never confirmed the address: refused all the same
    assert another_browser.session_cookie() is None


def test_disabling_an_account_removes_its_links(app, gateway, another_browser):
    me = signed_in_admin(app, gateway)
    another_browser.register("doc@example.test")
    doc = another_browser.get("/api/v1/auth/me").json
    link_google(another_browser, doc["csrf_token"], "doc")
    assert [email for email, _ in links_in_database(app)] == ["doc@example.test"]
    disabled = gateway.post(f"/api/v1/auth/users/{doc['id']}/disable", csrf=me["csrf_token"])
    assert disabled.status_code == 200, disabled.json
    assert links_in_database(app) == []


def test_the_link_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json", headers={"X-Internal-Token": TOKEN}).json["paths"]
    assert {"/api/v1/auth/links", "/api/v1/auth/links/{link_id}", LINK_START} <= set(paths)
