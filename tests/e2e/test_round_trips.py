"""Issue 8 through the real gateway: what the SPA reads it can send back, and admins change roles."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "buffer_minutes": 5,
    "weekly": {"tuesday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "16:30"}]},
    "appointment_types": [{"code": "cardiology", "duration_minutes": 45}],
}


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = unique_email("admin")
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


@pytest.fixture(scope="module")
def doctor(stack: StackUnderTest, admin: BrowserSession) -> tuple[BrowserSession, dict]:
    """A cardiologist whose account the admin created, with the password set from the mailed link."""
    address = unique_email("dora")
    account = admin.post(
        "/api/v1/auth/users", json={"email": address, "full_name": "Dr. Dora", "role": "doctor"}
    )
    assert account.status_code == 201, account.text
    token = token_in(wait_for_mail(stack.directory / "mail", to=address))
    reset = BrowserSession(stack.url).post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
    )
    assert reset.status_code == 204, reset.text
    profile = admin.post(
        "/api/v1/doctors",
        json={
            "user_id": account.json()["id"],
            "full_name": "Dr. Dora",
            "specializations": ["cardiology"],
            "time_zone": "Europe/Berlin",
        },
    )
    assert profile.status_code == 201, profile.text
    return BrowserSession(stack.url).login(address, PASSWORD), profile.json()


def test_a_doctor_puts_back_the_schedule_they_read_unchanged(doctor: tuple[BrowserSession, dict]) -> None:
    session, profile = doctor
    first = session.get("/api/v1/doctors/me/schedule")
    assert session.put(
        "/api/v1/doctors/me/schedule", json=WEEK, headers={"If-Match": first.headers["ETag"]}
    ).ok
    read = session.get("/api/v1/doctors/me/schedule")

    again = session.put(
        "/api/v1/doctors/me/schedule", json=read.json(), headers={"If-Match": read.headers["ETag"]}
    )
    stale = session.put(
        "/api/v1/doctors/me/schedule", json=read.json(), headers={"If-Match": read.headers["ETag"]}
    )
    elsewhere = session.put(
        "/api/v1/doctors/me/schedule",
        json={**read.json(), "doctor_id": str(uuid.uuid4())},
        headers={"If-Match": again.headers["ETag"]},
    )

    assert again.status_code == 200, again.text
    assert {**again.json(), "version": read.json()["version"]} == read.json()
    assert read.json()["doctor_id"] == profile["id"]
    assert stale.status_code == 412
    assert elsewhere.status_code == 422 and list(elsewhere.json()["errors"]) == ["doctor_id"]


def test_an_admin_changes_a_role_and_the_accounts_open_session_ends(
    stack: StackUnderTest, admin: BrowserSession
) -> None:
    patient = BrowserSession(stack.url).register(unique_email("pat"), PASSWORD, "Pat Patient")
    url = f"/api/v1/auth/users/{patient.user['id']}"

    without_csrf = admin.request("PATCH", url, json={"role": "doctor"}, headers={"X-CSRF-Token": ""})
    assert without_csrf.status_code == 403
    assert patient.get("/api/v1/auth/me").status_code == 200
    changed = admin.request("PATCH", url, json={"role": "doctor"})
    own = admin.request("PATCH", f"/api/v1/auth/users/{admin.user['id']}", json={"role": "patient"})

    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "doctor"
    assert patient.get("/api/v1/auth/me").status_code == 401
    assert own.status_code == 409
    assert admin.get("/api/v1/auth/me").json()["role"] == "admin"
