"""Must show 9 through the real gateway: with STAFF_MFA_REQUIRED on, staff without MFA are refused and may
only enrol; a doctor enrols TOTP, signs in with a code, and uses a recovery code once (a second use fails)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from auth_service.domain import totp
from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
MFA = "/api/v1/auth/login/mfa"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """The module's stack (tests/e2e/conftest.py) runs with two-step sign-in mandatory for staff."""
    return {"STAFF_MFA_REQUIRED": "true"}


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def code_now(secret: str) -> str:
    return totp.code_at(secret, datetime.now(UTC))


def next_step_code(secret: str) -> str:
    """The code of the coming 30-second step: accepted now (one step of leeway), and unlike the current
    step's code not yet used by the enrolment a moment ago (each step is accepted once)."""
    step = totp.time_step(datetime.now(UTC)) + 1
    return totp.code_at(secret, datetime.fromtimestamp(step * totp.STEP_SECONDS, UTC))


def enrol_at_sign_in(stack: StackUnderTest, address: str) -> tuple[BrowserSession, str, list[str]]:
    """Staff without MFA signing in: a 403, enrolment through the pending sign-in, then a session."""
    browser = BrowserSession(stack.url)
    refused = browser.post("/api/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert refused.status_code == 403, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["mfa_enrolment_required"] is True
    assert "Two-step sign-in is required" in problem["detail"]
    assert browser.get("/api/v1/auth/me").status_code == 401  # no session of any kind
    enrolment = browser.post(f"{MFA}/enrol", json={"mfa_token": problem["mfa_token"]})
    assert enrolment.status_code == 200, enrolment.text
    secret = enrolment.json()["secret"]
    assert enrolment.json()["otpauth_uri"].startswith("otpauth://totp/")
    done = browser.post(MFA, json={"mfa_token": problem["mfa_token"], "code": code_now(secret)})
    assert done.status_code == 200, done.text
    return browser, secret, done.json()["recovery_codes"]


@pytest.fixture(scope="module")
def doctor_address(stack: StackUnderTest) -> str:
    """A doctor invited by an admin (who first had to enrol too), with a password from the mailed link."""
    admin_address = unique_email("admin")
    stack.run("admin", "--email", admin_address, "--password", PASSWORD)
    admin, _, _ = enrol_at_sign_in(stack, admin_address)
    assert admin.user["role"] == "admin" and admin.user["mfa_reminder"] is False
    address = unique_email("doctor")
    account = admin.post(
        "/api/v1/auth/users", json={"email": address, "full_name": "Dr. Mira Hall", "role": "doctor"}
    )
    assert account.status_code == 201, account.text
    token = token_in(wait_for_mail(stack.directory / "mail", to=address))
    reset = BrowserSession(stack.url).post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
    )
    assert reset.status_code in (200, 204), reset.text
    return address


def test_a_doctor_without_mfa_is_refused_enrols_and_then_signs_in_with_a_code_and_a_recovery_code_once(
    stack: StackUnderTest, doctor_address: str
) -> None:
    doctor, secret, recovery = enrol_at_sign_in(stack, doctor_address)
    assert doctor.user["role"] == "doctor" and len(recovery) == 10
    status = doctor.get("/api/v1/auth/mfa").json()
    assert status == {"enrolled": True, "required": True, "recovery_codes_left": 10}
    print("enrolled:", status)

    # A later sign-in: the password alone gives no session, the current code does (in the same browser only).
    later = BrowserSession(stack.url)
    first = later.post("/api/v1/auth/login", json={"email": doctor_address, "password": PASSWORD})
    assert first.status_code == 200 and first.json()["mfa_required"] is True
    assert later.get("/api/v1/auth/me").status_code == 401
    thief = BrowserSession(stack.url).post(
        MFA, json={"mfa_token": first.json()["mfa_token"], "code": "123456"}
    )
    assert thief.status_code == 401
    wrong = later.post(MFA, json={"mfa_token": first.json()["mfa_token"], "code": "000000"})
    assert wrong.status_code == 401 and "code" in wrong.json()["errors"]
    signed_in = later.post(MFA, json={"mfa_token": first.json()["mfa_token"], "code": next_step_code(secret)})
    assert signed_in.status_code == 200, signed_in.text
    assert later.get("/api/v1/auth/me").json()["role"] == "doctor"
    print("code sign-in:", signed_in.status_code)

    # A recovery code works once; the second use of the same code fails.
    uses = []
    for _ in range(2):
        browser = BrowserSession(stack.url)
        pending = browser.post("/api/v1/auth/login", json={"email": doctor_address, "password": PASSWORD})
        uses.append(browser.post(MFA, json={"mfa_token": pending.json()["mfa_token"], "code": recovery[0]}))
    assert [u.status_code for u in uses] == [200, 401]
    assert uses[1].headers["Content-Type"].startswith("application/problem+json")
    assert later.get("/api/v1/auth/mfa").json()["recovery_codes_left"] == 9
    print("recovery code used twice:", [u.status_code for u in uses])

    # Mandatory: the doctor cannot switch it off.
    kept = later.post("/api/v1/auth/mfa/totp/disable", json={"password": PASSWORD})
    assert kept.status_code == 403


def test_a_patient_signs_in_without_any_second_step(stack: StackUnderTest) -> None:
    address = unique_email("patient")
    patient = BrowserSession(stack.url).register(address, PASSWORD, "Pat Lee")
    patient.post("/api/v1/auth/logout")
    again = BrowserSession(stack.url).login(address, PASSWORD)
    assert again.user["role"] == "patient" and "mfa_required" not in again.user
