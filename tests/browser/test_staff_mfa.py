"""Staff two-step sign-in in a real browser: a doctor sets up an authenticator app on the account page (key as
text, first code, recovery codes shown once), then signs in with a code, and a recovery code works once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from auth_service.domain import totp
from tests.browser.helpers import assert_accessible, device_of, screenshot
from tests.browser.people import Account, create_doctor, sign_in

DOCTOR_HOME = re.compile(r"/doctor$")


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    """The app's code now, or of a coming step (one step of leeway is accepted; each step only once)."""
    step = totp.time_step(datetime.now(UTC)) + steps_ahead
    return totp.code_at(secret, datetime.fromtimestamp(step * totp.STEP_SECONDS, UTC))


def _password_step(page: Page, doctor: Account) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(doctor.email)
    page.get_by_label("Password").fill(doctor.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in", level=1)).to_be_visible()


def test_a_doctor_sets_up_two_step_sign_in_and_signs_in_with_a_code_then_a_recovery_code_once(
    page: Page, new_page: Callable[..., Page], stack, admin: Account
) -> None:
    doctor = create_doctor(stack, admin, full_name="Dr. Ada Quinn")
    sign_in(page, doctor)
    page.goto("/account")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    key = page.get_by_label("Key for the authenticator app")
    expect(key).to_be_visible()
    secret = key.inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code the app now shows").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()
    screenshot(page, "account-two-step-recovery-codes")
    assert_accessible(page, "account-two-step")
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_text("10 of 10 recovery codes left")).to_be_visible()

    device = device_of(page).name
    later = new_page(device)
    _password_step(later, doctor)
    screenshot(later, "sign-in-code-step")
    assert_accessible(later, "sign-in-code-step")
    later.get_by_label("Code from your authenticator app").fill(_code(secret, steps_ahead=1))
    later.get_by_role("button", name="Sign in").click()
    expect(later).to_have_url(DOCTOR_HOME)

    for attempt in ("first", "second"):
        other = new_page(device)
        _password_step(other, doctor)
        other.get_by_role("button", name="Lost your phone? Use a recovery code").click()
        other.get_by_label("Recovery code").fill(recovery)
        other.get_by_role("button", name="Sign in").click()
        if attempt == "first":
            expect(other).to_have_url(DOCTOR_HOME)
        else:
            expect(other.get_by_role("alert")).to_contain_text("not right, or it was already used")
            screenshot(other, "sign-in-recovery-code-used-twice")
