"""The hospital's people for browser tests: admins, doctors and patients made through the API, and their mail.

An account made here is real (Auth-MS, Doctor-MS, Patient-MS through the gateway), so a test can sign it in
through the SPA's own form, or with `sign_in(page, account)` when signing in is not what the test is about.
"""

from __future__ import annotations

import html
import random
import re
import string
import time
import uuid
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.helpers import base_url_of
from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

PASSWORD = "correct horse battery staple"
# What SEED_DEMO=1 (the browser stack's setting) creates; the same as `make up` prints.
DEMO_PASSWORD = "demo-password-1"
DEMO_ADMIN = "admin@demo.hospital.test"
DEMO_DOCTOR = "doctor@demo.hospital.test"  # Dr. Emma Fischer, cardiology and general practice, Berlin
DEMO_PATIENT = "patient@demo.hospital.test"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OIDC_CLIENT_ID = "hospital-browser-tests"
OIDC_CLIENT_SECRET = "hospital-browser-tests-secret"


def letters(count: int = 4) -> str:
    """A random tag for a unique name: letters only, as Auth-MS refuses digits in people's names."""
    return "".join(random.choices(string.ascii_lowercase, k=count))


def unique_email(name: str) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '.', name.lower()).strip('.')}.{uuid.uuid4().hex[:8]}@example.org"


def every_day(start: str = "08:00", end: str = "18:00", *, zone: str = "Europe/Berlin") -> dict[str, Any]:
    """A schedule document: open every day from start to end, bookable at once, 30-minute consultations."""
    return {
        "time_zone": zone,
        "slot_step_minutes": 15,
        "buffer_minutes": 0,
        "minimum_notice_minutes": 0,
        "booking_horizon_days": 90,
        "weekly": {day: [{"start": start, "end": end}] for day in WEEKDAYS},
        "appointment_types": [{"code": "consultation", "name": "Consultation", "duration_minutes": 30}],
    }


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    full_name: str
    role: str  # patient | doctor | admin
    user_id: str
    doctor_id: str | None = None  # the Doctor-MS profile of a doctor

    def api(self, stack: StackUnderTest) -> BrowserSession:
        """A signed-in API client of this account (its own cookie jar, CSRF token handled)."""
        return BrowserSession(stack.url).login(self.email, self.password)


class Mailbox:
    """The stack's mail sink: every mail the platform sent, as the addressee would read it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def wait_for(self, *, to: str, subject: str = "", timeout: float = 15) -> Message:
        """The newest mail to `to` (with `subject` in its subject), waiting for it to arrive."""
        return wait_for_mail(self.directory, to=to, subject=subject, timeout=timeout)

    def token_for(self, *, to: str, subject: str = "") -> str:
        """The `token=` of the newest such mail's link (password set/reset, email verification)."""
        return token_in(self.wait_for(to=to, subject=subject))

    def link_for(self, *, to: str, subject: str = "") -> str:
        """The first link in the newest such mail's plain text (absolute, from PUBLIC_BASE_URL)."""
        message = self.wait_for(to=to, subject=subject)
        body = message.get_body(("plain",)) if hasattr(message, "get_body") else None
        text = body.get_content() if body is not None else str(message.get_payload(decode=True), "utf-8")
        match = re.search(r"https?://[^\s<>\"']+", text)
        assert match, f"no link in the mail to {to}:\n{text}"
        return html.unescape(match.group(0))


def create_admin(stack: StackUnderTest, *, email: str | None = None) -> Account:
    """A new admin, made as an operator does (`make admin`, i.e. `python -m tools.stack admin`)."""
    address = email or unique_email("admin")
    stack.run("admin", "--email", address, "--password", PASSWORD)
    user = BrowserSession(stack.url).login(address, PASSWORD).user
    return Account(address, PASSWORD, user["full_name"], "admin", user["id"])


def create_patient(
    stack: StackUnderTest, *, full_name: str = "Pat Example", profile: dict[str, Any] | None = None
) -> Account:
    """A self-registered patient; with `profile`, also their Patient-MS profile (PUT /patients/me)."""
    address = unique_email(full_name)
    session = BrowserSession(stack.url).register(address, PASSWORD, full_name)
    if profile is not None:
        saved = session.put("/api/v1/patients/me", json={"full_name": full_name, **profile})
        assert saved.status_code in (200, 201), saved.text
    return Account(address, PASSWORD, full_name, "patient", session.user["id"])


def create_doctor(
    stack: StackUnderTest,
    admin: Account,
    *,
    full_name: str | None = None,
    specializations: tuple[str, ...] = ("cardiology",),
    time_zone: str = "Europe/Berlin",
    schedule: dict[str, Any] | None = None,
    profile: dict[str, Any] | None = None,
) -> Account:
    """A doctor as an admin makes one: the account, the password from the mailed link, the profile.

    With `schedule` (e.g. `every_day()`), the week is set too and this returns once the slot finder
    offers the doctor's slots (Doctor-MS's events have reached Appointment-MS).
    """
    name = full_name or f"Dr. Test {letters(6)}"
    address = unique_email(name)
    staff = admin.api(stack)
    account = staff.post("/api/v1/auth/users", json={"email": address, "full_name": name, "role": "doctor"})
    assert account.status_code == 201, account.text
    token = Mailbox(stack.directory / "mail").token_for(to=address)
    reset = BrowserSession(stack.url).post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
    )
    assert reset.status_code in (200, 204), reset.text
    document = {"user_id": account.json()["id"], "full_name": name, "specializations": list(specializations)}
    created = staff.post("/api/v1/doctors", json=document | {"time_zone": time_zone} | (profile or {}))
    assert created.status_code == 201, created.text
    doctor_id = created.json()["id"]
    if schedule is not None:
        path = f"/api/v1/doctors/{doctor_id}/schedule"
        etag = staff.get(path).headers["ETag"]
        replaced = staff.put(path, json=schedule, headers={"If-Match": etag})
        assert replaced.status_code == 200, replaced.text
        wait_until_bookable(stack, doctor_id)
    return Account(address, PASSWORD, name, "doctor", account.json()["id"], doctor_id)


def wait_until_bookable(stack: StackUnderTest, doctor_id: str, *, timeout: float = 15) -> dict[str, Any]:
    """The doctor's next free slot, once the slot finder has one (their schedule's events arrived)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = stack.get(f"/api/v1/slots/next?doctor_id={doctor_id}")
        if answer.status_code == 200:
            return answer.json()
        if time.monotonic() > deadline:
            raise AssertionError(f"no slot of doctor {doctor_id} after {timeout}s: {answer.text[:300]}")
        time.sleep(0.1)


def sign_in(page: Page, account: Account) -> None:
    """Sign the page's browser context in through the API (it shares the context's cookies).

    For tests about something else than signing in: go to the SPA afterwards (or reload it), and it finds
    the session as after a real sign-in.
    """
    answer = page.request.post(
        "/api/v1/auth/login",
        data={"email": account.email, "password": account.password},
        headers={"Origin": base_url_of(page)},
    )
    assert answer.ok, f"sign-in of {account.email} failed: {answer.status} {answer.text()}"


def sign_in_at_provider(page: Page, login: str, *, back_to: str | None = None) -> None:
    """Be the user at the test OpenID provider: log in as `login` on its form, consent, return to our site.

    The page must be at the provider (after clicking "Sign in with Google", or after going to
    /api/v1/auth/oauth/google/start). Any login works; its email is <login>@example.test, verified unless
    the login starts with "unverified". Returns once the page is back at `back_to` (default: the site).
    """
    back_to = back_to or base_url_of(page)
    for _ in range(6):
        if page.url.startswith(back_to):
            return
        if page.locator("input[name=login]").count():
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", "anything")
        with page.expect_navigation():
            page.locator("button[type=submit]").first.click()
    page.wait_for_url(back_to + "**")
