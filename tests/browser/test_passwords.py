"""Passwords in the web app (issue 9, item 9): the account page changes the password in place, a common
password is refused beside its field with nothing typed lost, and every other device is signed out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, screenshot
from tests.browser.people import create_patient, sign_in
from tests.e2e.stack import StackUnderTest

NEW_PASSWORD = "a calm blue heron at dawn"


def test_the_account_page_changes_the_password_and_signs_out_the_other_devices(
    page: Page, stack: StackUnderTest
) -> None:
    patient = create_patient(stack, full_name="Pat Changer")
    other_device = patient.api(stack)
    sign_in(page, patient)
    page.goto("/account")
    expect(page.get_by_role("heading", name="Change my password")).to_be_visible()
    screenshot(page, "account-change-password")
    assert_accessible(page, "account-change-password")

    page.get_by_label("Current password").fill(patient.password)
    page.get_by_label("New password", exact=True).fill("password123")
    page.get_by_label("The new password again").fill("password123")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("The password is not changed")).to_be_visible()
    expect(page.get_by_text(re.compile("most common passwords")).first).to_be_visible()
    expect(page.get_by_label("Current password")).to_have_value(patient.password)
    assert other_device.get("/api/v1/auth/me").status_code == 200

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("The new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your password is changed. Other devices are signed out.")).to_be_visible()
    expect(page.get_by_test_id("session")).to_have_count(1)
    assert other_device.get("/api/v1/auth/me").status_code == 401
    assert page.request.get("/api/v1/auth/me").status == 200
    # This browser's new CSRF token is in use: an unsafe request still goes through.
    page.get_by_role("button", name="Sign out everywhere").click()
    page.get_by_role("button", name="Yes, sign out everywhere").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
