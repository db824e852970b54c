"""The browser plumbing works end to end: Chromium reaches the gateway, the app and the API docs load, sign-in
through the test OpenID provider works. True of the placeholder page and of the SPA alike."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, console_errors, screenshot
from tests.browser.people import sign_in_at_provider
from tests.e2e.stack import StackUnderTest


def test_the_home_page_loads_with_no_console_errors(page: Page) -> None:
    response = page.goto("/", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.title().strip()
    expect(page.locator("body")).not_to_be_empty()
    screenshot(page, "home")
    assert console_errors(page) == []


def test_a_deep_link_is_answered_with_the_app_itself(page: Page, stack: StackUnderTest) -> None:
    response = page.goto("/some/deep/link", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert response.text() == stack.get("/").text  # index.html: the app routes on the client
    expect(page.locator("body")).not_to_be_empty()
    screenshot(page, "deep-link")
    assert console_errors(page) == []  # its scripts and styles load from a deep path too


def test_the_api_docs_are_reachable(page: Page) -> None:
    response = page.goto("/api/docs/")
    assert response is not None and response.status == 200
    expect(page.locator(".swagger-ui .info .title").first).to_contain_text("Auth")
    screenshot(page, "api-docs")


def test_the_home_page_has_no_serious_accessibility_violations(page: Page) -> None:
    page.goto("/", wait_until="networkidle")
    assert_accessible(page, "home")


def test_google_sign_in_through_the_test_provider_ends_signed_in_on_the_site(
    desktop_page: Page, base_url: str
) -> None:
    desktop_page.goto("/api/v1/auth/oauth/google/start")
    sign_in_at_provider(desktop_page, "smoke.patient", back_to=base_url)
    me = desktop_page.request.get("/api/v1/auth/me")
    assert me.status == 200, me.text()
    assert me.json()["email"] == "smoke.patient@example.test"
    assert console_errors(desktop_page) == []
