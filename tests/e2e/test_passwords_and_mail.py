"""Issue 9 through the gateway: mail as a phishing channel (item 6), tokens carried in the link's fragment and
invitations of 24 hours (item 5), and passwords to ASVS level 2 (item 9)."""

from __future__ import annotations

import email
import uuid
from email import policy
from email.message import Message
from pathlib import Path

import pytest

from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a calm blue heron at dawn"


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def plain_text(message: Message) -> str:
    """The decoded text/plain body (the sink stores it quoted-printable)."""
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    return parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def whole_mail(mail_dir: Path, *, to: str, subject: str = "") -> str:
    """The headers and the decoded plain-text body of the newest mail to `to`."""
    message = wait_for_mail(mail_dir, to=to, subject=subject)
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    return headers + "\n\n" + plain_text(message)


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = unique_email("admin")
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


def test_the_registration_mail_to_an_unverified_address_holds_no_text_the_registrant_wrote(
    stack: StackUnderTest,
) -> None:
    address = unique_email("victim")
    lure = "Visit evil site now for prizes"  # letters and spaces only: a name the rules accept
    BrowserSession(stack.url).register(address, PASSWORD, lure)
    message = wait_for_mail(stack.directory / "mail", to=address, subject="Confirm your email address")
    body = plain_text(message)
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    print("\n--- verification mail ---\n" + headers + "\n\n" + body)
    for word in ["visit", "evil", "site", "prizes"]:
        assert word not in (headers + body).lower(), word
    assert body.startswith("Hello,\n")


@pytest.mark.parametrize("name", ["Visit evil.example now", "Win at http://evil", "Call 555 0100", "Ann <b>"])
def test_a_name_that_could_carry_a_link_or_markup_is_refused_with_a_clear_422(
    stack: StackUnderTest, name: str
) -> None:
    address = unique_email("lure")
    refused = BrowserSession(stack.url).post(
        "/api/v1/auth/register", json={"email": address, "password": PASSWORD, "full_name": name}
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    messages = refused.json()["errors"]["full_name"]
    print(f"\n{name!r} -> 422 {messages}")
    assert any("letters" in m or "web address" in m for m in messages), messages
    mails = (stack.directory / "mail").glob("*.eml")
    assert not [path for path in mails if address in path.read_text(errors="replace")]


def test_an_admin_cannot_give_a_staff_account_a_name_with_a_link(admin: BrowserSession) -> None:
    refused = admin.post(
        "/api/v1/auth/users",
        json={"email": unique_email("doc"), "full_name": "Dr. See www.evil.example", "role": "doctor"},
    )
    assert refused.status_code == 422, refused.text
    assert "full_name" in refused.json()["errors"]


def test_mailed_links_carry_the_token_in_the_fragment_and_an_invitation_lasts_24_hours(
    stack: StackUnderTest, admin: BrowserSession
) -> None:
    mail_dir = stack.directory / "mail"
    doctor = unique_email("doc")
    created = admin.post(
        "/api/v1/auth/users", json={"email": doctor, "full_name": "Dr. Ann O'Neill-Smith", "role": "doctor"}
    )
    assert created.status_code == 201, created.text
    invitation = whole_mail(mail_dir, to=doctor, subject="Your hospital account is ready")
    assert "/set-password#token=" in invitation and "?token=" not in invitation
    assert "within 24 hours" in invitation

    patient = unique_email("pat")
    BrowserSession(stack.url).register(patient, PASSWORD, "Pat Lee")
    assert "/verify-email#token=" in whole_mail(mail_dir, to=patient, subject="Confirm")
    forgot = BrowserSession(stack.url).post("/api/v1/auth/password/forgot", json={"email": patient})
    assert forgot.status_code == 202
    reset_mail = wait_for_mail(mail_dir, to=patient, subject="Reset your password")
    assert "/reset-password#token=" in whole_mail(mail_dir, to=patient, subject="Reset your password")
    # The test helper (and the web app) read the token from the fragment.
    reset = BrowserSession(stack.url).post(
        "/api/v1/auth/password/reset", json={"token": token_in(reset_mail), "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 204, reset.text


@pytest.mark.parametrize("password", ["password123", "Iloveyou1", "QWERTYUIOP"])
def test_a_common_password_is_refused_with_a_clear_message(stack: StackUnderTest, password: str) -> None:
    refused = BrowserSession(stack.url).post(
        "/api/v1/auth/register",
        json={"email": unique_email("weak"), "password": password, "full_name": "Wes Weak"},
    )
    assert refused.status_code == 422, refused.text
    body = refused.json()
    print(f"\n{password!r} -> {refused.status_code} {body['detail']}")
    assert "most common passwords" in body["detail"]
    assert body["errors"]["password"]


def test_a_password_equal_to_the_email_is_refused(stack: StackUnderTest) -> None:
    address = unique_email("self")
    refused = BrowserSession(stack.url).post(
        "/api/v1/auth/register", json={"email": address, "password": address, "full_name": "Sam Self"}
    )
    assert refused.status_code == 422, refused.text
    assert "email address or your name" in refused.json()["detail"]


def test_change_password_needs_the_current_one_ends_the_other_sessions_and_keeps_this_one(
    stack: StackUnderTest,
) -> None:
    address = unique_email("changer")
    here = BrowserSession(stack.url).register(address, PASSWORD, "Chris Changer")
    laptop = BrowserSession(stack.url).login(address, PASSWORD)
    phone = BrowserSession(stack.url).login(address, PASSWORD)
    assert len(here.get("/api/v1/auth/sessions").json()["items"]) == 3

    wrong = here.post(
        "/api/v1/auth/password/change",
        json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["errors"]["current_password"] == ["The current password is incorrect."]
    common = here.post(
        "/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": "password1"}
    )
    assert common.status_code == 422, common.text
    assert "most common passwords" in common.json()["detail"]
    assert laptop.get("/api/v1/auth/me").status_code == 200

    old_csrf = here.csrf_token
    changed = here.post(
        "/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == address and here.csrf_token != old_csrf
    print(f"\nchange-password -> {changed.status_code}; laptop /me, phone /me, this browser /me:")
    statuses = [s.get("/api/v1/auth/me").status_code for s in (laptop, phone, here)]
    print(statuses)
    assert statuses == [401, 401, 200]
    assert len(here.get("/api/v1/auth/sessions").json()["items"]) == 1
    # This browser can still act (its new CSRF token works) and the new password signs in; the old does not.
    assert here.post("/api/v1/auth/logout").status_code == 204
    old = BrowserSession(stack.url).post("/api/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert old.status_code == 401
    BrowserSession(stack.url).login(address, NEW_PASSWORD)


def test_change_password_without_a_session_is_refused_by_the_gateway(stack: StackUnderTest) -> None:
    refused = BrowserSession(stack.url).post(
        "/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert refused.status_code == 401
