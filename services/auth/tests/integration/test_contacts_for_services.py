"""GET /internal/users/<id>/contact: for the other services only, never for people through the gateway."""

import uuid

from flask.testing import FlaskClient

from .conftest import TOKEN, Gateway, create_admin

SERVICE = {"X-Internal-Token": TOKEN}


def test_a_service_with_the_internal_token_gets_a_users_address(gateway: Gateway, client: FlaskClient):
    ann = gateway.register("Ann@Example.org", full_name="Ann Example").json

    answer = client.get(f"/internal/users/{ann['id']}/contact", headers=SERVICE)

    assert answer.status_code == 200
    assert answer.json == {
        "email": "ann@example.org",
        "full_name": "Ann Example",
        "email_verified": False,
        "role": "patient",
        "registered_by_key": None,
        "disabled": False,
    }


def test_a_disabled_account_is_answered_with_disabled_true_and_an_unknown_one_is_404(
    app, gateway: Gateway, client: FlaskClient
):
    patient = gateway.register("ann@example.org").json
    create_admin(app, "root@example.org")
    admin = Gateway(app.test_client())
    csrf = admin.login("root@example.org").json["csrf_token"]
    assert admin.post(f"/api/v1/auth/users/{patient['id']}/disable", csrf=csrf).status_code == 200

    disabled = client.get(f"/internal/users/{patient['id']}/contact", headers=SERVICE)
    unknown = client.get(f"/internal/users/{uuid.uuid4()}/contact", headers=SERVICE)

    assert disabled.status_code == 200
    assert (disabled.json["disabled"], disabled.json["role"]) == (True, "patient")
    assert unknown.status_code == 404
    assert unknown.mimetype == "application/problem+json"


def test_without_the_internal_token_the_answer_is_401(gateway: Gateway, client: FlaskClient):
    ann = gateway.register("ann@example.org").json

    assert client.get(f"/internal/users/{ann['id']}/contact").status_code == 401
    assert (
        client.get(f"/internal/users/{ann['id']}/contact", headers={"X-Internal-Token": "x"}).status_code
        == 401
    )


def test_a_signed_in_person_never_reads_anyones_address(gateway: Gateway, another_browser: Gateway):
    ann = gateway.register("ann@example.org").json
    another_browser.register("eve@example.org")

    own = gateway.get(f"/internal/users/{ann['id']}/contact")
    other = another_browser.get(f"/internal/users/{ann['id']}/contact")

    assert (own.status_code, other.status_code) == (404, 404)
    assert "email" not in other.json
