"""Issue 8: admins change roles; the account's sessions end, and the hospital never loses its last admin."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy

from auth_service.domain.users import Role
from hospital_shared.identity import identity_headers

from .conftest import TOKEN, Gateway, create_admin


def signed_in_admin(app, browser: Gateway, email: str = "root@example.org") -> tuple[str, str]:
    """An enabled admin signed in in `browser`: their account id and CSRF token."""
    create_admin(app, email)
    signed_in = browser.login(email)
    assert signed_in.json["role"] == "admin"
    return signed_in.json["id"], signed_in.json["csrf_token"]


def role_of(app, user_id: str) -> Role:
    with app.extensions["container"].ports.uow() as uow:
        return uow.users.get(uuid.UUID(user_id)).role


def test_a_role_change_answers_the_account_and_its_existing_session_no_longer_verifies(
    app, gateway, another_browser
):
    patient = another_browser.register("ann@example.org").json
    assert another_browser.get("/api/v1/auth/me").json["role"] == "patient"
    _, csrf = signed_in_admin(app, gateway)

    changed = gateway.patch(f"/api/v1/auth/users/{patient['id']}", json={"role": "doctor"}, csrf=csrf)

    assert changed.status_code == 200, changed.json
    assert (changed.json["id"], changed.json["role"]) == (patient["id"], "doctor")
    assert set(changed.json) >= {"email", "full_name", "disabled", "created_at"}
    assert another_browser.get("/api/v1/auth/me").status_code == 401
    old_cookie = {"X-Internal-Token": TOKEN, "X-Original-Method": "GET"}
    assert another_browser.client.get("/internal/verify", headers=old_cookie).status_code == 401
    assert another_browser.login("ann@example.org").json["role"] == "doctor"
    assert gateway.get("/api/v1/auth/me").json["role"] == "admin"  # the admin's own session lives on


def test_a_role_change_without_the_csrf_token_is_refused_by_verify_and_changes_nothing(
    app, gateway, another_browser
):
    patient = another_browser.register("ann@example.org").json
    signed_in_admin(app, gateway)

    refused = gateway.patch(f"/api/v1/auth/users/{patient['id']}", json={"role": "admin"})

    assert refused.status_code == 403
    assert role_of(app, patient["id"]) is Role.PATIENT
    assert another_browser.get("/api/v1/auth/me").status_code == 200


def test_an_admin_cannot_change_their_own_role(app, gateway):
    admin_id, csrf = signed_in_admin(app, gateway)

    refused = gateway.patch(f"/api/v1/auth/users/{admin_id}", json={"role": "patient"}, csrf=csrf)

    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "own role" in refused.json["detail"] and "role" in refused.json["errors"]
    assert gateway.get("/api/v1/auth/me").json["role"] == "admin"


def test_an_unknown_role_is_422_and_an_unknown_account_404(app, gateway, another_browser):
    patient = another_browser.register("ann@example.org").json
    _, csrf = signed_in_admin(app, gateway)
    url = f"/api/v1/auth/users/{patient['id']}"

    nurse = gateway.patch(url, json={"role": "nurse"}, csrf=csrf)
    no_role = gateway.patch(url, json={}, csrf=csrf)
    nobody = gateway.patch(f"/api/v1/auth/users/{uuid.uuid4()}", json={"role": "doctor"}, csrf=csrf)

    assert (nurse.status_code, no_role.status_code, nobody.status_code) == (422, 422, 404)
    assert list(nurse.json["errors"]) == ["role"] and list(no_role.json["errors"]) == ["role"]
    assert nobody.mimetype == "application/problem+json"
    assert role_of(app, patient["id"]) is Role.PATIENT
    assert another_browser.get("/api/v1/auth/me").status_code == 200


def test_a_patient_cannot_change_roles(gateway, another_browser):
    patient = gateway.register().json
    other = another_browser.register("bob@example.org").json

    refused = gateway.patch(
        f"/api/v1/auth/users/{other['id']}", json={"role": "admin"}, csrf=patient["csrf_token"]
    )

    assert refused.status_code == 403


def test_the_last_enabled_admin_cannot_be_demoted_nor_disabled(app, gateway, client):
    root_id, csrf = signed_in_admin(app, gateway)
    ghost, _ = create_admin(app, "ghost@example.org")
    assert gateway.post(f"/api/v1/auth/users/{ghost.id}/disable", csrf=csrf).status_code == 200
    # The disabled admin's last requests, vouched for by the gateway before the account was disabled.
    as_ghost = identity_headers(ghost.id, "admin", TOKEN)

    demoted = client.patch(f"/api/v1/auth/users/{root_id}", json={"role": "doctor"}, headers=as_ghost)
    disabled = client.post(f"/api/v1/auth/users/{root_id}/disable", headers=as_ghost)

    assert (demoted.status_code, disabled.status_code) == (409, 409)
    assert "last enabled admin" in demoted.json["detail"] and "last enabled admin" in disabled.json["detail"]
    assert role_of(app, root_id) is Role.ADMIN
    assert gateway.get("/api/v1/auth/me").json["role"] == "admin"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, gateway, another_browser, database_url):
    first_id, first_csrf = signed_in_admin(app, gateway, "first@example.org")
    second_id, second_csrf = signed_in_admin(app, another_browser, "second@example.org")

    def demote(browser: Gateway, target: str, csrf: str) -> int:
        return browser.patch(f"/api/v1/auth/users/{target}", json={"role": "patient"}, csrf=csrf).status_code

    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as blocker, ThreadPoolExecutor(max_workers=2) as pool:
            # Hold the admins' rows so both requests are inside their transactions before either goes on.
            blocker.execute(sqlalchemy.text("SELECT id FROM users WHERE role = 'admin' FOR UPDATE"))
            answers = pool.map(
                demote, (gateway, another_browser), (second_id, first_id), (first_csrf, second_csrf)
            )
            wait_until_waiting_for_locks(blocker, count=2)
            blocker.rollback()
            statuses = sorted(answers)
    finally:
        engine.dispose()

    assert statuses == [200, 409]
    assert sorted(role_of(app, user_id) for user_id in (first_id, second_id)) == [Role.ADMIN, Role.PATIENT]


def wait_until_waiting_for_locks(connection: sqlalchemy.Connection, *, count: int) -> None:
    waiting = sqlalchemy.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 10
    while connection.execute(waiting).scalar_one() < count:
        assert time.monotonic() < deadline, "the two requests never waited for the admins' rows"
        time.sleep(0.02)
        connection.execute(
            sqlalchemy.text("SELECT pg_stat_clear_snapshot()")
        )  # statistics are kept per transaction


def test_the_openapi_document_describes_the_role_change(client):
    spec = client.get("/openapi.json", headers={"X-Internal-Token": TOKEN}).json

    patch = spec["paths"]["/api/v1/auth/users/{user_id}"]["patch"]

    assert patch["summary"].startswith("Change an account's role")
    assert {"200", "401", "403", "404", "409", "422"} <= set(patch["responses"])
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert spec["components"]["schemas"][body]["properties"]["role"]["enum"] == ["patient", "doctor", "admin"]
