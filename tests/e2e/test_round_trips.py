"""Issue 8 through the real gateway: what the SPA reads it can send back, and admins change roles."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

# The issue 3-4 module's account fixtures; module-scoped, so they create this module's own accounts.
from tests.e2e.test_people_and_schedules import PASSWORD, admin, doctors, unique_email

__all__ = ["admin", "doctors"]  # exported fixtures: pytest finds them by name in this module

pytestmark = pytest.mark.e2e

WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "buffer_minutes": 5,
    "weekly": {"tuesday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "16:30"}]},
    "appointment_types": [{"code": "cardiology", "duration_minutes": 45}],
}


def test_a_doctor_puts_back_the_schedule_they_read_unchanged(
    doctors: list[tuple[BrowserSession, dict]],
) -> None:
    session, profile = doctors[0]
    first = session.get("/api/v1/doctors/me/schedule")
    assert session.put(
        "/api/v1/doctors/me/schedule", json=WEEK, headers={"If-Match": first.headers["ETag"]}
    ).ok
    read = session.get("/api/v1/doctors/me/schedule")

    again = session.put(
        "/api/v1/doctors/me/schedule", json=read.json(), headers={"If-Match": read.headers["ETag"]}
    )
    changed = session.put(
        "/api/v1/doctors/me/schedule",
        json={**read.json(), "buffer_minutes": 10},
        headers={"If-Match": again.headers["ETag"]},
    )
    stale = session.put(
        "/api/v1/doctors/me/schedule", json=read.json(), headers={"If-Match": read.headers["ETag"]}
    )
    elsewhere = session.put(
        "/api/v1/doctors/me/schedule",
        json={**read.json(), "doctor_id": str(uuid.uuid4())},
        headers={"If-Match": changed.headers["ETag"]},
    )

    assert again.status_code == 200, again.text
    assert again.json() == read.json()  # unchanged: same version, same ETag, no event
    assert again.headers["ETag"] == read.headers["ETag"]
    assert changed.status_code == 200 and changed.headers["ETag"] != read.headers["ETag"]
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
