"""The admin's area in a real browser against a whole stack: adding a doctor (with the mailed invitation), the
system page following `make scale` by itself, the accounts list, and a patient refused (issue 8, item 5)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.helpers import assert_accessible, console_errors, screenshot
from tests.browser.people import Account, Mailbox, create_patient, letters, sign_in, unique_email
from tests.e2e.stack import StackUnderTest

SERVICES = ("auth", "patient", "doctor", "appointment")
# Replicas announce themselves every few seconds and the page asks every 5 s; scaling itself takes longer.
SCALE_SEEN_MS = 45_000


def open_as(page: Page, account: Account, path: str) -> None:
    sign_in(page, account)
    page.goto(path)


def test_an_admin_adds_a_doctor_and_the_doctor_is_mailed_an_invitation(
    page: Page, admin: Account, mailbox: Mailbox
) -> None:
    name = f"Dr. Lena Brandt {letters()}"
    email = unique_email(name)
    open_as(page, admin, "/admin/doctors")
    page.get_by_role("link", name="Add a doctor").click()
    expect(page.get_by_role("heading", name="Add a doctor", level=1)).to_be_visible()

    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Cardiology").check()
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Clinic").fill("Heart Centre")
    screenshot(page, "admin-new-doctor")
    page.get_by_role("button", name="Create account and profile").click()

    expect(page.get_by_role("heading", name=f"{name} is in the directory")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    screenshot(page, "admin-new-doctor-done")

    invitation = mailbox.link_for(to=email)
    assert re.search(r"/set-password#token=[\w-]+", invitation), invitation

    page.get_by_role("link", name="Back to the directory").click()
    page.get_by_label("Name or clinic").fill(name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 doctor found")).to_be_visible()
    expect(page.get_by_role("list").get_by_text(name)).to_be_visible()
    expect(page.get_by_role("link", name=f"Edit {name}")).to_be_visible()
    assert console_errors(page) == []


def test_when_the_profile_fails_the_account_is_kept_and_only_the_profile_is_retried(
    desktop_page: Page, admin: Account, mailbox: Mailbox, stack: StackUnderTest
) -> None:
    page = desktop_page
    name = f"Dr. Mira Vogel {letters()}"
    email = unique_email(name)
    refused: list[str] = []

    def doctor_ms_down_once(route: Route) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, content_type="application/problem+json", body='{"status": 503}')
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/doctors$"), doctor_ms_down_once)
    open_as(page, admin, "/admin/doctors/new")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Neurology").check()
    page.get_by_label("Clinic").fill("Brain Institute")
    page.get_by_role("button", name="Create account and profile").click()

    expect(page.get_by_test_id("step-1")).to_contain_text("Done")
    expect(page.get_by_test_id("step-2")).to_contain_text("Failed")
    expect(page.get_by_test_id("step-2")).to_contain_text("The account already exists")
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_label("Full name")).to_have_value(name)
    expect(page.get_by_label("Neurology")).to_be_checked()
    expect(page.get_by_label("Clinic")).to_have_value("Brain Institute")
    screenshot(page, "admin-new-doctor-profile-failed")

    page.get_by_role("button", name="Retry the profile").click()
    expect(page.get_by_role("heading", name=f"{name} is in the directory")).to_be_visible()
    assert len(refused) == 1
    mailbox.wait_for(to=email)
    found = stack.get(f"/api/v1/doctors?q={name}").json()
    assert [doctor["full_name"] for doctor in found["items"]] == [name]
    assert found["items"][0]["clinic"] == "Brain Institute"


def test_an_admin_edits_a_doctors_specializations(
    desktop_page: Page, admin: Account, stack: StackUnderTest
) -> None:
    page = desktop_page
    name = f"Dr. Jonas Keller {letters()}"
    open_as(page, admin, "/admin/doctors/new")
    page.get_by_label("Email").fill(unique_email(name))
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Cardiology").check()
    page.get_by_role("button", name="Create account and profile").click()
    page.get_by_role("link", name=f"Edit {name}").click()

    expect(page.get_by_role("heading", name=f"Edit {name}")).to_be_visible()
    expect(page.get_by_label("Cardiology")).to_be_checked()
    page.get_by_label("Dermatology").check()
    page.get_by_label("Location").fill("Building C, 2nd floor")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()

    doctor_id = page.url.rsplit("/", 1)[-1]
    stored = stack.get(f"/api/v1/doctors/{doctor_id}").json()
    assert sorted(ref["slug"] for ref in stored["specializations"]) == ["cardiology", "dermatology"]
    assert stored["location"] == "Building C, 2nd floor"
    assert console_errors(page) == []


def test_the_system_page_follows_a_scale_out_by_itself(
    desktop_page: Page, admin: Account, stack: StackUnderTest
) -> None:
    page = desktop_page
    open_as(page, admin, "/admin")
    expect(page.get_by_test_id("replica-count")).to_have_text("1")
    for name in SERVICES:
        expect(page.get_by_test_id(f"service-{name}")).to_contain_text("Up")
    expect(page.get_by_text("All 4 services are up")).to_be_visible()
    expect(page.get_by_test_id("replica-row")).to_have_count(1)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    stack.run("scale", "3")
    try:
        expect(page.get_by_test_id("replica-count")).to_have_text("3", timeout=SCALE_SEEN_MS)
        rows = page.get_by_test_id("replica-row")
        expect(rows).to_have_count(3)
        for number in (1, 2, 3):
            expect(rows.nth(number - 1)).to_contain_text(f"appointment-{number}")
            expect(rows.nth(number - 1)).to_contain_text(f"127.0.0.1:{stack.replica_port(number)}")
        assert page.evaluate("window.__sameDocument === true"), "the page reloaded instead of refreshing"
        screenshot(page, "admin-system-three-replicas")
    finally:
        stack.run("scale", "1")
    expect(page.get_by_test_id("replica-count")).to_have_text("1", timeout=SCALE_SEEN_MS)
    assert console_errors(page) == []


def test_an_admin_disables_and_enables_an_account_after_confirming(
    desktop_page: Page, admin: Account, stack: StackUnderTest
) -> None:
    page = desktop_page
    patient = create_patient(stack, full_name=f"Maria Schmidt {letters()}")
    patient_api = patient.api(stack)
    open_as(page, admin, "/admin/accounts")
    page.get_by_label("Name or email").fill(patient.email)
    page.get_by_role("button", name="Search").click()
    account = page.get_by_role("listitem", name=patient.full_name)
    expect(account).to_contain_text("Active")

    account.get_by_role("button", name=f"Disable {patient.full_name}").click()
    expect(account).to_contain_text("signed out everywhere at once")
    account.get_by_role("button", name="Yes, disable").click()
    expect(account.get_by_text("Account disabled.")).to_be_visible()
    expect(account).to_contain_text("Disabled")
    assert patient_api.get("/api/v1/auth/me").status_code == 401  # their session ended at once

    account.get_by_role("button", name=f"Enable {patient.full_name}").click()
    account.get_by_role("button", name="Yes, enable").click()
    expect(account.get_by_text("Account enabled.")).to_be_visible()
    expect(account).to_contain_text("Active")
    assert console_errors(page) == []


def test_an_admin_changes_a_role_and_cannot_change_their_own(
    desktop_page: Page, admin: Account, stack: StackUnderTest
) -> None:
    page = desktop_page
    patient = create_patient(stack, full_name=f"Omar Haddad {letters()}")
    open_as(page, admin, f"/admin/accounts?q={patient.email}")
    account = page.get_by_role("listitem", name=patient.full_name)
    account.get_by_role("combobox", name=f"Role of {patient.full_name}").select_option("doctor")
    account.get_by_role("button", name=f"Change role of {patient.full_name}").click()
    account.get_by_role("button", name="Yes, change role").click()
    expect(account.get_by_text("Role changed to Doctor.")).to_be_visible()
    assert patient.api(stack).user["role"] == "doctor"

    page.goto(f"/admin/accounts?q={admin.email}")
    own = page.get_by_role("listitem", name=admin.full_name)
    expect(own).to_contain_text("This is your account")
    expect(own.get_by_role("combobox")).to_have_count(0)
    assert console_errors(page) == []


def test_a_patient_opening_the_admin_area_is_refused(desktop_page: Page, stack: StackUnderTest) -> None:
    page = desktop_page
    patient = create_patient(stack, full_name="Pia Wagner")
    open_as(page, patient, "/admin")
    expect(page.get_by_text("This page is not for your account")).to_be_visible()
    expect(page.get_by_text("for admin accounts only")).to_be_visible()
    expect(page.get_by_test_id("replica-count")).to_have_count(0)
    screenshot(page, "admin-refused-patient")

    refused = page.request.get("/api/v1/system")  # the page's own cookies: what the SPA would be told
    assert refused.status == 403, refused.text()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert page.request.get("/api/v1/auth/users").status == 403
    assert console_errors(page) == []


def _system_is_shown(page: Page) -> None:
    expect(page.get_by_test_id("replica-count")).to_be_visible()


def _doctors_are_shown(page: Page) -> None:
    expect(page.get_by_text(re.compile(r"\d+ doctors? in the directory"))).to_be_visible()


def _accounts_are_shown(page: Page) -> None:
    expect(page.get_by_text(re.compile(r"\d+ accounts? in all"))).to_be_visible()


@pytest.mark.parametrize(
    ("name", "path", "shown"),
    [
        ("admin-system", "/admin", _system_is_shown),
        ("admin-doctors", "/admin/doctors", _doctors_are_shown),
        ("admin-accounts", "/admin/accounts", _accounts_are_shown),
    ],
    ids=["system", "doctors", "accounts"],
)
def test_each_admin_page_reads_well_and_has_no_serious_accessibility_violations(
    page: Page, admin: Account, name: str, path: str, shown: object
) -> None:
    open_as(page, admin, path)
    shown(page)  # type: ignore[operator]
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, name)
    assert_accessible(page, name)
    assert console_errors(page) == []
