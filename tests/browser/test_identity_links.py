"""Linking Google to an account in the web app, through the real OpenID provider (npm oidc-provider).

A Google user whose verified email is an admin's does not get in; the signed-in admin links it on the account
page with the password entered again, comes back to the page with the link listed, and removes it there.
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, console_errors, screenshot
from tests.browser.people import Mailbox, create_admin, sign_in, sign_in_at_provider
from tests.browser.test_patient import heading
from tests.e2e.stack import StackUnderTest


def test_an_admin_links_google_from_the_account_page_after_google_alone_was_refused(
    desktop_page: Page, base_url: str, stack: StackUnderTest, mailbox: Mailbox
) -> None:
    page = desktop_page
    login = f"linked.admin.{uuid.uuid4().hex[:6]}"
    admin = create_admin(stack, email=f"{login}@example.test")

    page.goto("/login")
    page.get_by_role("link", name="Sign in with Google").click()
    sign_in_at_provider(page, login, back_to=base_url)
    expect(heading(page, "Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("link Google from your account page")
    assert page.request.get("/api/v1/auth/me").status == 401

    sign_in(page, admin)
    page.goto("/account")
    page.get_by_role("button", name="Link a Google account").click()
    page.get_by_label("Your password").fill(admin.password)
    page.get_by_role("button", name="Continue to Google").click()
    sign_in_at_provider(page, login, back_to=base_url)

    expect(page.get_by_role("status").filter(has_text="Google is linked")).to_be_visible()
    expect(page.get_by_test_id("identity-link")).to_contain_text(f"{login}@example.test")
    assert "link=" not in page.url  # said once: a reload does not repeat it
    mailbox.wait_for(to=admin.email, subject="A sign-in method was added")
    screenshot(page, "account-linked-google")
    assert_accessible(page, "account-linked-google")

    page.get_by_role("button", name=re.compile(f"^Remove the .* sign-in {re.escape(login)}")).click()
    expect(page.get_by_text("No Google account is linked.")).to_be_visible()
    assert console_errors(page) == []
