"""Must show 1-3: sign-up, sign-in, me, sign-out through the gateway; cookie flags; expiry; CSRF, origin."""

import hashlib
import uuid
from datetime import timedelta

import pytest

from auth_service.adapters.http.app import create_app
from auth_service.config import Settings

from .conftest import ORIGIN, PASSWORD, TOKEN, Gateway


def redis_key(secret: str) -> str:
    return "auth:session:" + hashlib.sha256(secret.encode()).hexdigest()


def test_register_me_sign_out_and_the_old_cookie_is_refused(gateway, redis_db):
    registered = gateway.register("Ann@Example.org", full_name="Ann Example")
    assert registered.status_code == 201
    body = registered.json
    assert body["email"] == "ann@example.org" and body["role"] == "patient" and not body["email_verified"]
    secret = gateway.session_cookie()
    assert secret and redis_db.exists(redis_key(secret))

    me = gateway.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json == body
    assert gateway.last_verify.headers["X-User-Id"] == body["id"]
    assert gateway.last_verify.headers["X-User-Role"] == "patient"

    signed_out = gateway.post("/api/v1/auth/logout", csrf=body["csrf_token"])
    assert signed_out.status_code == 204
    assert not redis_db.exists(redis_key(secret))
    assert gateway.session_cookie() is None

    gateway.client.set_cookie("hospital_session", secret)
    assert gateway.get("/api/v1/auth/me").status_code == 401
    verdict = gateway.client.get(
        "/internal/verify", headers={"X-Internal-Token": TOKEN, "X-Original-Method": "GET"}
    )
    assert verdict.status_code == 401
    assert verdict.mimetype == "application/problem+json"


def test_the_session_cookie_is_httponly_samesite_lax_and_not_secure_in_local_dev(gateway):
    cookie = gateway.register().headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_outside_local_dev(settings, clock):
    production_like = Settings(**{**settings.__dict__, "session_cookie_secure": True})
    app = create_app(production_like, clock=clock)
    cookie = Gateway(app.test_client()).register().headers["Set-Cookie"]
    app.extensions["container"].close()
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert Settings(environment="production", internal_token="real-secret").cookie_secure


def test_the_session_id_is_256_random_bits_and_changes_at_every_sign_in(gateway, redis_db):
    gateway.register()
    first = gateway.session_cookie()
    csrf = gateway.get("/api/v1/auth/me").json["csrf_token"]
    assert gateway.login("ann@example.org", csrf=csrf).status_code == 200
    second = gateway.session_cookie()
    assert second != first and len(second) >= 43
    assert not redis_db.exists(redis_key(first))
    gateway.client.set_cookie("hospital_session", first)
    assert gateway.get("/api/v1/auth/me").status_code == 401


def test_a_planted_session_id_is_replaced_at_sign_in(gateway, another_browser):
    another_browser.register()
    gateway.client.set_cookie("hospital_session", "attacker-chosen-value")
    gateway.login("ann@example.org")
    assert gateway.session_cookie() != "attacker-chosen-value"


def test_the_server_ends_an_idle_session(gateway, clock, redis_db):
    gateway.register()
    clock.advance(minutes=29)
    assert gateway.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=29)
    assert gateway.get("/api/v1/auth/me").status_code == 200  # the idle timer restarted
    clock.advance(minutes=31)
    assert gateway.get("/api/v1/auth/me").status_code == 401
    assert redis_db.keys("auth:session:*") == []


def test_the_server_ends_a_session_at_its_absolute_lifetime_however_active(gateway, clock):
    gateway.register()
    while clock.offset + timedelta(minutes=29) < timedelta(hours=12):
        clock.advance(minutes=29)
        assert gateway.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=29)  # less than the idle timeout since the last request, but past 12 hours
    assert gateway.get("/api/v1/auth/me").status_code == 401


def test_redis_forgets_an_idle_session_by_itself(settings, clock):
    short = Settings(**{**settings.__dict__, "session_idle_seconds": 1, "session_absolute_seconds": 60})
    app = create_app(short, clock=clock)
    gateway = Gateway(app.test_client())
    gateway.register()
    ttl_ms = app.extensions["container"].redis.pttl(redis_key(gateway.session_cookie()))
    app.extensions["container"].close()
    assert 0 < ttl_ms <= 1000


@pytest.mark.parametrize(
    ("csrf", "headers"),
    [
        (None, {}),
        ("wrong-token", {}),
        ("USE-REAL", {"Sec-Fetch-Site": "cross-site"}),
    ],
    ids=["missing token", "wrong token", "cross-site"],
)
def test_an_unsafe_request_without_the_right_csrf_token_or_from_another_site_is_403(gateway, csrf, headers):
    real = gateway.register().json["csrf_token"]
    token = real if csrf == "USE-REAL" else csrf
    for method, path in (
        ("POST", "/api/v1/auth/logout"),
        ("DELETE", f"/api/v1/auth/sessions/{uuid.uuid4()}"),
    ):
        refused = gateway.request(method, path, csrf=token, headers=headers)
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
    assert gateway.get("/api/v1/auth/me").status_code == 200  # nothing was signed out


def test_required_mode_routes_refuse_unsafe_requests_without_the_csrf_token(gateway):
    real = gateway.register().json["csrf_token"]
    assert gateway.post("/api/v1/appointments/", json={}).status_code == 403
    assert gateway.post("/api/v1/appointments/", json={}, csrf="nope").status_code == 403
    assert gateway.post("/api/v1/appointments/", json={}, csrf=real).status_code == 404  # passed verify


def test_a_foreign_origin_is_refused_even_for_anonymous_sign_in(gateway):
    gateway.register()
    gateway.post("/api/v1/auth/logout", csrf=gateway.get("/api/v1/auth/me").json["csrf_token"])
    refused = gateway.login("ann@example.org", origin="https://evil.example")
    assert refused.status_code == 403
    assert gateway.login("ann@example.org", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert gateway.login("ann@example.org", origin=ORIGIN).status_code == 200


def test_clients_without_origin_such_as_curl_can_sign_in(gateway):
    gateway.register()
    gateway.client.delete_cookie("hospital_session")
    assert gateway.login("ann@example.org", origin=None).status_code == 200


def test_verify_answers_identity_in_both_modes_and_anonymous_in_optional_mode(client, gateway):
    user_id = gateway.register().json["id"]
    base = {"X-Internal-Token": TOKEN, "X-Original-Method": "GET", "X-Original-URI": "/api/v1/doctors/"}
    for mode in ("required", "optional"):
        verdict = gateway.client.get(f"/internal/verify?mode={mode}", headers=base)
        assert verdict.status_code == 204
        assert verdict.headers["X-User-Id"] == user_id and verdict.headers["X-User-Role"] == "patient"
    anonymous = client.get("/internal/verify?mode=optional", headers=base)
    assert anonymous.status_code == 204
    assert "X-User-Id" not in anonymous.headers and "X-User-Role" not in anonymous.headers
    assert client.get("/internal/verify", headers=base).status_code == 401
    assert client.get("/internal/verify?mode=whatever", headers=base).status_code == 422


def test_verify_needs_the_internal_token(gateway):
    gateway.register()
    assert gateway.client.get("/internal/verify", headers={"X-Original-Method": "GET"}).status_code == 401


def test_client_sent_identity_headers_do_not_sign_anyone_in(gateway):
    forged = {"X-User-Id": str(uuid.uuid4()), "X-User-Role": "admin"}
    assert gateway.get("/api/v1/auth/me", headers=forged).status_code == 401


def test_a_user_lists_and_ends_their_other_sessions_and_logs_out_everywhere(
    gateway, another_browser, redis_db
):
    csrf = gateway.register().json["csrf_token"]
    other_csrf = another_browser.login("ann@example.org").json["csrf_token"]
    listed = gateway.get("/api/v1/auth/sessions").json
    assert listed["total"] == 2
    assert sum(item["current"] for item in listed["items"]) == 1
    other = next(item for item in listed["items"] if not item["current"])
    assert gateway.delete(f"/api/v1/auth/sessions/{other['id']}", csrf=csrf).status_code == 204
    assert another_browser.get("/api/v1/auth/me").status_code == 401

    other_csrf = another_browser.login("ann@example.org").json["csrf_token"]
    assert another_browser.post("/api/v1/auth/logout-all", csrf=other_csrf).status_code == 204
    assert gateway.get("/api/v1/auth/me").status_code == 401
    assert redis_db.keys("auth:session:*") == []


def test_someone_elses_session_id_cannot_be_ended(gateway, another_browser):
    csrf = gateway.register().json["csrf_token"]
    another_browser.register("bob@example.org")
    bobs = another_browser.get("/api/v1/auth/sessions").json["items"][0]["id"]
    assert gateway.delete(f"/api/v1/auth/sessions/{bobs}", csrf=csrf).status_code == 404
    assert another_browser.get("/api/v1/auth/me").status_code == 200


def test_register_validates_its_fields_and_refuses_a_taken_email(gateway):
    bad = gateway.post("/api/v1/auth/register", json={"email": "not-an-email", "password": PASSWORD})
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"email", "full_name"}
    gateway.register()
    gateway.client.delete_cookie("hospital_session")
    taken = gateway.register("ANN@example.org")
    assert taken.status_code == 409
    assert gateway.session_cookie() is None


def test_the_openapi_document_describes_the_routes(client):
    spec = client.get("/openapi.json", headers={"X-Internal-Token": TOKEN}).json
    assert spec["paths"]["/api/v1/auth/login"]["post"]["summary"].startswith(
        "Sign in with email and password"
    )
    assert not [path for path in spec["paths"] if path.startswith("/internal")]  # never served publicly
