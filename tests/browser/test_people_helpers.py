"""The helpers feature tests lean on do what they say: people made through the API, mail, counted actions."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import ActionCounter, console_errors
from tests.browser.people import (
    DEMO_DOCTOR,
    DEMO_PASSWORD,
    Account,
    Mailbox,
    create_doctor,
    create_patient,
    every_day,
    sign_in,
    wait_until_bookable,
)
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest


def test_a_doctor_made_by_the_helpers_is_signed_in_in_the_browser_and_offered_by_the_finder(
    desktop_page: Page, stack: StackUnderTest, admin: Account
) -> None:
    doctor = create_doctor(stack, admin, full_name="Dr. Helper Check", schedule=every_day())
    sign_in(desktop_page, doctor)
    desktop_page.goto("/", wait_until="networkidle")
    me = desktop_page.request.get("/api/v1/auth/me").json()
    assert (me["email"], me["role"]) == (doctor.email, "doctor")
    assert wait_until_bookable(stack, doctor.doctor_id or "")["doctor_id"] == doctor.doctor_id
    assert console_errors(desktop_page) == []


def test_a_new_patient_finds_the_mailed_link_and_it_opens_the_app(
    desktop_page: Page, stack: StackUnderTest, mailbox: Mailbox, base_url: str
) -> None:
    patient = create_patient(stack, full_name="Polly Helper")
    link = mailbox.link_for(to=patient.email)
    assert link.startswith(base_url + "/") and "token=" in link
    response = desktop_page.goto(link, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert console_errors(desktop_page) == []


def test_the_demo_hospital_is_seeded(stack: StackUnderTest) -> None:
    demo = BrowserSession(stack.url).login(DEMO_DOCTOR, DEMO_PASSWORD)
    assert demo.user["role"] == "doctor"
    assert stack.get("/api/v1/doctors?specialization=cardiology").json()["total"] >= 3


def test_the_action_counter_counts_each_click_fill_and_key_press(desktop_page: Page) -> None:
    desktop_page.goto("/api/docs/")
    actions = ActionCounter(desktop_page)
    login = desktop_page.locator(".opblock-summary-path", has_text="/api/v1/auth/login").first
    actions.click(login)
    expect(desktop_page.locator(".opblock.is-open")).to_have_count(1)
    actions.select(desktop_page.locator(".topbar select"), "Doctor-MS")
    expect(desktop_page.locator(".swagger-ui .info .title").first).to_contain_text("Doctor")
    actions.press("Tab")
    assert actions.count == 3
    assert [entry.split()[0] for entry in actions.log] == ["click", "select", "press"]
