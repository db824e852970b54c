"""Must show 9: admins create staff accounts, list, disable and re-enable users; patients cannot."""

import uuid

from .conftest import Gateway, create_admin, token_in


def signed_in_admin(app, gateway: Gateway) -> str:
    create_admin(app, "root@example.org")
    response = gateway.login("root@example.org")
    assert response.json["role"] == "admin"
    return response.json["csrf_token"]


def test_an_admin_creates_a_doctor_who_sets_a_password_from_the_mail_and_signs_in_as_doctor(
    app, gateway, another_browser, mailbox
):
    csrf = signed_in_admin(app, gateway)
    created = gateway.post(
        "/api/v1/auth/users",
        json={"email": "Dr.Who@Example.org", "full_name": "Dr. Who", "role": "doctor"},
        csrf=csrf,
    )
    assert created.status_code == 201
    assert created.json["role"] == "doctor" and created.json["email"] == "dr.who@example.org"
    mail = mailbox.wait_for(to="dr.who@example.org", subject="Your hospital account is ready")
    assert another_browser.login("dr.who@example.org", password="").status_code == 401  # no password yet
    set_password = {"token": token_in(mail), "new_password": "the doctor's password"}
    assert another_browser.post("/api/v1/auth/password/reset", json=set_password).status_code == 204
    signed_in = another_browser.login("dr.who@example.org", password="the doctor's password")
    assert signed_in.status_code == 200
    assert signed_in.json["role"] == "doctor" and signed_in.json["email_verified"]
    assert another_browser.last_verify is not None
    assert another_browser.get("/api/v1/auth/me").json["id"] == created.json["id"]


def test_a_patient_calling_the_admin_endpoints_gets_403(gateway):
    csrf = gateway.register().json["csrf_token"]
    assert gateway.get("/api/v1/auth/users").status_code == 403
    assert (
        gateway.post(
            "/api/v1/auth/users",
            json={"email": "x@example.org", "full_name": "X", "role": "admin"},
            csrf=csrf,
        ).status_code
        == 403
    )
    assert gateway.post(f"/api/v1/auth/users/{uuid.uuid4()}/disable", csrf=csrf).status_code == 403


def test_anonymous_callers_of_the_admin_endpoints_get_401(gateway):
    assert gateway.get("/api/v1/auth/users").status_code == 401


def test_a_disabled_accounts_sessions_end_at_once_and_it_can_be_re_enabled(app, gateway, another_browser):
    patient = another_browser.register("ann@example.org").json
    csrf = signed_in_admin(app, gateway)
    disabled = gateway.post(f"/api/v1/auth/users/{patient['id']}/disable", csrf=csrf)
    assert disabled.status_code == 200 and disabled.json["disabled"] is True
    assert another_browser.get("/api/v1/auth/me").status_code == 401
    assert another_browser.login("ann@example.org").status_code == 403
    enabled = gateway.post(f"/api/v1/auth/users/{patient['id']}/enable", csrf=csrf)
    assert enabled.json["disabled"] is False
    assert another_browser.login("ann@example.org").status_code == 200


def test_admins_list_and_filter_users_in_pages(app, gateway, another_browser):
    for n in range(3):
        assert another_browser.register(f"patient{n}@example.org").status_code == 201
        another_browser.client.delete_cookie("hospital_session")
    signed_in_admin(app, gateway)
    page = gateway.get("/api/v1/auth/users?role=patient&page_size=2").json
    assert (page["total"], page["page"], page["page_size"], len(page["items"])) == (3, 1, 2, 2)
    found = gateway.get("/api/v1/auth/users?q=patient1").json
    assert [u["email"] for u in found["items"]] == ["patient1@example.org"]
    assert gateway.get("/api/v1/auth/users?role=nurse").status_code == 422
    assert gateway.get(f"/api/v1/auth/users/{uuid.uuid4()}").status_code == 404


def test_admins_cannot_create_patients_or_a_taken_email(app, gateway):
    csrf = signed_in_admin(app, gateway)
    patient = gateway.post(
        "/api/v1/auth/users", json={"email": "p@example.org", "full_name": "P", "role": "patient"}, csrf=csrf
    )
    assert patient.status_code == 422 and "role" in patient.json["errors"]
    taken = gateway.post(
        "/api/v1/auth/users", json={"email": "root@example.org", "full_name": "R", "role": "admin"}, csrf=csrf
    )
    assert taken.status_code == 409


def test_an_admin_cannot_disable_themself(app, gateway):
    csrf = signed_in_admin(app, gateway)
    me = gateway.get("/api/v1/auth/me").json
    assert gateway.post(f"/api/v1/auth/users/{me['id']}/disable", csrf=csrf).status_code == 403
