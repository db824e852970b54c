"""Must show 5: password reset end to end through a real SMTP server on loopback."""

from .conftest import PASSWORD, link_in, token_in


def test_the_mailed_reset_link_works_once_and_ends_the_users_other_sessions(
    gateway, another_browser, mailbox
):
    gateway.register("ann@example.org")
    other_device = another_browser.login("ann@example.org")
    assert other_device.status_code == 200

    asked = gateway.client.post(
        "/api/v1/auth/password/forgot", json={"email": "ann@example.org"}, headers={"X-Internal-Token": "x"}
    )
    assert asked.status_code == 401  # only through the gateway
    asked = another_browser.post(
        "/api/v1/auth/password/forgot",
        json={"email": "ann@example.org"},
        csrf=other_device.json["csrf_token"],
    )
    assert asked.status_code == 202
    mail = mailbox.wait_for(to="ann@example.org", subject="Reset your password")
    link = link_in(mail)
    assert link.startswith("https://hospital.test/reset-password#token=")

    reset = {"token": token_in(mail), "new_password": "a brand new password"}
    assert (
        gateway.post("/api/v1/auth/password/reset", json=reset).status_code == 403
    )  # signed in: CSRF applies
    anonymous = another_browser.__class__(gateway.client.application.test_client())
    assert anonymous.post("/api/v1/auth/password/reset", json=reset).status_code == 204
    assert gateway.get("/api/v1/auth/me").status_code == 401
    assert another_browser.get("/api/v1/auth/me").status_code == 401

    second = anonymous.post("/api/v1/auth/password/reset", json={**reset, "new_password": "yet another one"})
    assert second.status_code == 400
    assert second.json["errors"] == {"token": ["invalid, used or expired"]}
    assert anonymous.login("ann@example.org", password=PASSWORD).status_code == 401
    assert anonymous.login("ann@example.org", password="a brand new password").status_code == 200


def test_a_reset_link_expires(gateway, mailbox, clock):
    gateway.register("ann@example.org")
    csrf = gateway.get("/api/v1/auth/me").json["csrf_token"]
    gateway.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"}, csrf=csrf)
    token = token_in(mailbox.wait_for(to="ann@example.org", subject="Reset"))
    clock.advance(minutes=31)
    expired = gateway.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "new password"}, csrf=csrf
    )
    assert expired.status_code == 400


def test_a_forged_host_header_does_not_change_the_link(gateway, mailbox):
    gateway.register("ann@example.org")
    csrf = gateway.get("/api/v1/auth/me").json["csrf_token"]
    answer = gateway.post(
        "/api/v1/auth/password/forgot",
        json={"email": "ann@example.org"},
        csrf=csrf,
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert answer.status_code == 202
    link = link_in(mailbox.wait_for(to="ann@example.org", subject="Reset"))
    assert link.startswith("https://hospital.test/")
    assert "evil" not in link


def test_forgot_password_answers_the_same_for_unknown_emails_and_mails_nobody(
    gateway, another_browser, mailbox
):
    gateway.register("ann@example.org")
    known = another_browser.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"})
    unknown = another_browser.post("/api/v1/auth/password/forgot", json={"email": "nobody@example.org"})
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json) == (202, known.json)
    mailbox.wait_for(to="ann@example.org", subject="Reset")
    assert not [m for m in mailbox.messages if "nobody@example.org" in str(m["To"])]


def test_the_verification_mail_of_a_registration_verifies_the_email(gateway, mailbox):
    me = gateway.register("ann@example.org").json
    mail = mailbox.wait_for(to="ann@example.org", subject="Confirm your email address")
    assert link_in(mail).startswith("https://hospital.test/verify-email#token=")
    assert (
        gateway.post(
            "/api/v1/auth/email/verify", json={"token": token_in(mail)}, csrf=me["csrf_token"]
        ).status_code
        == 204
    )
    assert gateway.get("/api/v1/auth/me").json["email_verified"] is True
    again = gateway.post("/api/v1/auth/email/verify", json={"token": token_in(mail)}, csrf=me["csrf_token"])
    assert again.status_code == 400


def test_a_bad_new_password_is_a_422_naming_the_field_and_the_token_still_works(
    gateway, another_browser, mailbox
):
    gateway.register("ann@example.org")
    another_browser.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"})
    token = token_in(mailbox.wait_for(to="ann@example.org", subject="Reset"))
    weak = another_browser.post("/api/v1/auth/password/reset", json={"token": token, "new_password": "short"})
    assert weak.status_code == 422 and "new_password" in weak.json["errors"]
    ok = another_browser.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "long enough now"}
    )
    assert ok.status_code == 204
