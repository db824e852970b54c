"""API keys through the gateway's verify: admins issue, list and revoke them; a key is a whole credential
(no CSRF), revoked at once, rate limited per minute; an integration registers its own patients."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient
from sqlalchemy import text

from .conftest import TOKEN, Gateway, create_admin

SERVICE = {"X-Internal-Token": TOKEN}


def signed_in_admin(app, gateway: Gateway) -> str:
    create_admin(app, "root@example.org")
    return gateway.login("root@example.org").json["csrf_token"]


def new_key(gateway: Gateway, csrf: str, **body) -> dict:
    answer = gateway.post(
        "/api/v1/auth/api-keys", json={"name": "Portal", "scopes": ["slots:read"], **body}, csrf=csrf
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def verify(client: FlaskClient, secret: str, method: str = "POST"):
    return client.get(
        "/internal/verify?mode=optional",
        headers={**SERVICE, **bearer(secret), "X-Original-Method": method},
    )


def test_the_secret_is_in_the_creating_answer_only_and_the_database_keeps_its_digest(app, gateway):
    csrf = signed_in_admin(app, gateway)
    created = new_key(gateway, csrf, scopes=["directory:read", "slots:read"], rate_limit_per_minute=30)

    assert created["secret"].startswith("hsk_") and created["secret"].startswith(created["prefix"])
    assert created["scopes"] == ["directory:read", "slots:read"]
    assert (created["revoked_at"], created["last_used_at"], created["rate_limit_per_minute"]) == (
        None,
        None,
        30,
    )
    listed = gateway.get("/api/v1/auth/api-keys").json
    one = gateway.get(f"/api/v1/auth/api-keys/{created['id']}").json
    assert listed["total"] == 1 and "secret" not in listed["items"][0] and "secret" not in one
    with app.extensions["container"].engine.connect() as connection:
        dump = connection.execute(text("SELECT api_keys::text FROM api_keys")).scalar_one()
    assert created["secret"] not in dump and created["secret"][4:] not in dump


def test_a_valid_key_is_vouched_for_as_an_integration_without_csrf(app, gateway, client):
    csrf = signed_in_admin(app, gateway)
    created = new_key(gateway, csrf, rate_limit_per_minute=10)

    answer = verify(client, created["secret"], method="DELETE")  # unsafe, no CSRF token, no Origin

    assert answer.status_code == 204
    assert answer.headers["X-User-Id"] == created["id"]
    assert answer.headers["X-User-Role"] == "integration"
    assert answer.headers["X-User-Scopes"] == "slots:read"
    assert (answer.headers["RateLimit-Limit"], answer.headers["RateLimit-Remaining"]) == ("10", "9")
    assert 1 <= int(answer.headers["RateLimit-Reset"]) <= 60
    assert gateway.get(f"/api/v1/auth/api-keys/{created['id']}").json["last_used_at"] is not None


def test_a_revoked_key_is_refused_on_the_very_next_call(app, gateway, client):
    csrf = signed_in_admin(app, gateway)
    created = new_key(gateway, csrf)
    assert verify(client, created["secret"]).status_code == 204

    assert gateway.delete(f"/api/v1/auth/api-keys/{created['id']}", csrf=csrf).status_code == 204

    refused = verify(client, created["secret"])
    assert refused.status_code == 401
    assert refused.headers["X-Auth-Refusal"] == "api-key-invalid"
    assert "API key" in refused.json["detail"]
    assert gateway.get(f"/api/v1/auth/api-keys/{created['id']}").json["revoked_at"] is not None


def test_an_unknown_key_is_401_even_where_signing_in_is_optional(client):
    refused = verify(client, "hsk_" + "A" * 43, method="GET")
    assert refused.status_code == 401 and refused.headers["X-Auth-Refusal"] == "api-key-invalid"


def test_over_its_limit_a_key_is_refused_with_a_marker_the_gateway_turns_into_429(app, gateway, client):
    csrf = signed_in_admin(app, gateway)
    created = new_key(gateway, csrf, rate_limit_per_minute=2)
    assert [verify(client, created["secret"]).status_code for _ in range(2)] == [204, 204]

    limited = verify(client, created["secret"])

    assert limited.status_code == 403
    assert limited.headers["X-Auth-Refusal"] == "rate-limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["RateLimit-Remaining"] == "0"


def test_a_session_cookie_and_a_key_at_once_are_refused(app, gateway):
    csrf = signed_in_admin(app, gateway)
    created = new_key(gateway, csrf)

    both = gateway.get("/api/v1/auth/me", headers=bearer(created["secret"]))

    assert both.status_code == 403 and both.headers["X-Auth-Refusal"] == "ambiguous-credentials"


def test_only_admins_manage_keys_and_a_key_cannot_manage_keys_or_users(app, gateway, another_browser):
    patient_csrf = another_browser.register("ann@example.org").json["csrf_token"]
    assert another_browser.get("/api/v1/auth/api-keys").status_code == 403
    body = {"name": "x", "scopes": ["slots:read"]}
    assert another_browser.post("/api/v1/auth/api-keys", json=body, csrf=patient_csrf).status_code == 403
    csrf = signed_in_admin(app, gateway)
    everything = new_key(
        gateway, csrf, scopes=["directory:read", "slots:read", "patients:write", "appointments:read"]
    )
    integration = Gateway(app.test_client())
    key = bearer(everything["secret"])

    assert integration.get("/api/v1/auth/api-keys", headers=key, origin=None).status_code == 403
    assert integration.get("/api/v1/auth/users", headers=key, origin=None).status_code == 403
    assert integration.get("/api/v1/auth/me", headers=key, origin=None).status_code in {401, 403}
    assert integration.post("/api/v1/auth/api-keys", json=body, headers=key, origin=None).status_code == 403


def test_bad_key_requests_are_422_naming_the_field(app, gateway):
    csrf = signed_in_admin(app, gateway)
    unknown_scope = gateway.post("/api/v1/auth/api-keys", json={"name": "x", "scopes": ["root"]}, csrf=csrf)
    too_long = gateway.post(
        "/api/v1/auth/api-keys",
        json={"name": "x", "scopes": ["slots:read"], "expires_at": "2099-01-01T00:00:00+00:00"},
        csrf=csrf,
    )
    assert (unknown_scope.status_code, too_long.status_code) == (422, 422)
    assert any(field.startswith("scopes") for field in unknown_scope.json["errors"])
    assert "expires_at" in too_long.json["errors"]
    assert gateway.delete(f"/api/v1/auth/api-keys/{uuid.uuid4()}", csrf=csrf).status_code == 404


def test_an_integration_registers_a_patient_that_remembers_the_key(app, gateway, client):
    csrf = signed_in_admin(app, gateway)
    writer = new_key(gateway, csrf, scopes=["patients:write"])
    reader = new_key(gateway, csrf, scopes=["slots:read"])
    integration = Gateway(app.test_client())
    patient = {"email": "New.Patient@Example.org", "full_name": "New Patient"}

    created = integration.post(
        "/api/v1/auth/integrations/patients", json=patient, headers=bearer(writer["secret"]), origin=None
    )
    without_scope = integration.post(
        "/api/v1/auth/integrations/patients",
        json={**patient, "email": "other@example.org"},
        headers=bearer(reader["secret"]),
        origin=None,
    )
    by_an_admin = gateway.post(
        "/api/v1/auth/integrations/patients", json={**patient, "email": "x@example.org"}, csrf=csrf
    )
    again = integration.post(
        "/api/v1/auth/integrations/patients", json=patient, headers=bearer(writer["secret"]), origin=None
    )

    assert created.status_code == 201, created.json
    assert created.json["role"] == "patient" and created.json["registered_by_key"] == writer["id"]
    assert (without_scope.status_code, by_an_admin.status_code, again.status_code) == (403, 403, 409)
    contact = client.get(f"/internal/users/{created.json['id']}/contact", headers=SERVICE).json
    assert contact["registered_by_key"] == writer["id"] and contact["disabled"] is False
    # No password yet: signing in fails like any wrong password until the patient sets one by reset.
    assert Gateway(app.test_client()).login("new.patient@example.org", password="").status_code == 401
