"""Google sign-in in the web app, through a real OpenID provider (npm oidc-provider) on loopback.

The SPA's link goes to Auth-MS, which sends the browser to the provider; its login and consent pages are
filled in as a person would, and the provider's redirect comes back through Auth-MS to the SPA.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import console_errors, screenshot
from tests.browser.people import sign_in_at_provider
from tests.browser.test_patient import anonymous_holds_are_served, heading
from tests.e2e.stack import StackUnderTest


def test_sign_in_with_google_lands_signed_in_on_the_patient_home_page(page: Page, base_url: str) -> None:
    page.goto("/login")
    login = f"google.patient.{uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="Sign in with Google").click()
    sign_in_at_provider(page, login, back_to=base_url)

    expect(heading(page, "What do you need?")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Account of "))).to_be_visible()
    expect(page.get_by_role("link", name="My appointments")).to_be_visible()
    me = page.request.get("/api/v1/auth/me")
    assert me.status == 200, me.text()
    assert me.json()["email"] == f"{login}@example.test" and me.json()["role"] == "patient"
    screenshot(page, "home-after-google")
    assert console_errors(page) == []


def test_a_refused_google_sign_in_comes_back_to_the_sign_in_page_with_the_reason(desktop_page: Page) -> None:
    page = desktop_page
    # A callback the browser never started (no matching state): Auth-MS refuses it and says why in the URL.
    page.goto("/api/v1/auth/oauth/google/callback?state=not-ours&code=whatever")
    expect(heading(page, "Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Google sign-in did not work")
    expect(page.get_by_role("alert")).to_contain_text("Please try again.")
    assert "auth_error=state_invalid" in page.url
    assert page.request.get("/api/v1/auth/me").status == 401


def test_a_slot_held_before_google_sign_in_is_waiting_on_the_confirmation_after_it(
    desktop_page: Page, base_url: str, stack: StackUnderTest
) -> None:
    if not anonymous_holds_are_served(stack):
        pytest.skip("waits for POST /api/v1/slots/holds (the anonymous hold) on main")
    page = desktop_page
    page.goto("/find?specialization=pulmonology")
    page.get_by_test_id("next-slot").get_by_role("button", name=re.compile("^Book")).click()
    expect(heading(page, "Confirm your appointment")).to_be_visible()
    expect(page.get_by_role("timer")).to_be_visible()

    page.get_by_role("link", name="Sign in with Google").click()
    sign_in_at_provider(page, f"google.held.{uuid.uuid4().hex[:6]}", back_to=base_url)

    expect(heading(page, "Confirm your appointment")).to_be_visible()  # back on the confirmation
    expect(page.get_by_role("timer")).to_be_visible()  # with the countdown still running
    page.get_by_role("button", name="Confirm booking").click()
    expect(heading(page, "You're booked")).to_be_visible()
