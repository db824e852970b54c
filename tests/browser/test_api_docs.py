"""The API docs' "Try it out" works as the person signed in: after signing in from the docs themselves, or
with a session the browser already had, an unsafe request from the UI carries the CSRF token and succeeds
(before, the gateway refused it with 403 for want of the token)."""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import screenshot
from tests.browser.people import Account, create_patient, sign_in
from tests.e2e.stack import StackUnderTest


def operation(page: Page, path: str) -> Locator:
    """The operation block of `path` in the Swagger UI, opened and switched to "Try it out"."""
    block = page.locator(".opblock").filter(has=page.locator(f".opblock-summary-path[data-path='{path}']"))
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    return block


def execute(block: Locator) -> Locator:
    """Run the operation; the status code the UI shows for the live answer."""
    block.get_by_role("button", name="Execute").click()
    return block.locator(".live-responses-table .response .response-col_status").first


def still_signed_in(page: Page) -> bool:
    return page.request.get("/api/v1/auth/me").ok


def test_signing_in_from_the_docs_lets_an_unsafe_request_from_the_docs_succeed(
    desktop_page: Page, stack: StackUnderTest
) -> None:
    person: Account = create_patient(stack, full_name="Docs Reader")
    desktop_page.goto("/api/docs/")
    login = operation(desktop_page, "/api/v1/auth/login")
    login.locator("textarea.body-param__text").fill(
        json.dumps({"email": person.email, "password": person.password})
    )
    expect(execute(login)).to_have_text("200")
    assert still_signed_in(desktop_page)

    everywhere = operation(desktop_page, "/api/v1/auth/logout-all")
    with desktop_page.expect_request("**/api/v1/auth/logout-all") as sent:
        status = execute(everywhere)
    expect(status).to_have_text("204")
    assert sent.value.headers.get("x-csrf-token")
    assert not still_signed_in(desktop_page)  # it really ran: every session of the account ended
    screenshot(desktop_page, "api-docs-try-it-out")


def test_a_session_the_browser_already_had_works_from_the_docs(
    desktop_page: Page, stack: StackUnderTest
) -> None:
    person = create_patient(stack, full_name="Docs Returner")
    sign_in(desktop_page, person)
    with desktop_page.expect_response("**/api/v1/auth/me") as me:
        desktop_page.goto("/api/docs/")
    assert me.value.status == 200  # init.js read the session's CSRF token on load
    expect(desktop_page.locator(".swagger-ui .info .title").first).to_contain_text("Auth")

    everywhere = operation(desktop_page, "/api/v1/auth/logout-all")
    expect(execute(everywhere)).to_have_text("204")
    assert not still_signed_in(desktop_page)
