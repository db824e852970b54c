"""Issues 3 and 4 through the real gateway: accounts, sessions, profiles, the directory and schedules."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
PROFILE = {
    "full_name": "Maria Schmidt",
    "date_of_birth": "1985-04-12",
    "phone": "+49 30 1234567",
    "preferred_language": "de",
}
WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "buffer_minutes": 5,
    "minimum_notice_minutes": 120,
    "booking_horizon_days": 30,
    "weekly": {"monday": [{"start": "09:00", "end": "17:00"}]},
    "appointment_types": [{"code": "consultation", "name": "Consultation", "duration_minutes": 30}],
}


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = unique_email("admin")
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


@pytest.fixture(scope="module")
def doctors(stack: StackUnderTest, admin: BrowserSession) -> Iterator[list[tuple[BrowserSession, dict]]]:
    """Two cardiologists with accounts created by the admin and passwords set from the mailed link."""
    created = []
    for name in ("Anna Keller", "Ben Okafor"):
        address = unique_email(name.split()[0].lower())
        account = admin.post(
            "/api/v1/auth/users", json={"email": address, "full_name": f"Dr. {name}", "role": "doctor"}
        )
        assert account.status_code == 201, account.text
        token = token_in(wait_for_mail(stack.directory / "mail", to=address))
        reset = BrowserSession(stack.url).post(
            "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
        )
        assert reset.status_code in (200, 204), reset.text
        profile = admin.post(
            "/api/v1/doctors",
            json={
                "user_id": account.json()["id"],
                "full_name": f"Dr. {name}",
                "specializations": ["cardiology"],
                "time_zone": "Europe/Berlin",
            },
        )
        assert profile.status_code == 201, profile.text
        session = BrowserSession(stack.url).login(address, PASSWORD)
        assert session.user["role"] == "doctor"
        created.append((session, profile.json()))
    yield created


def test_register_me_logout_and_the_old_cookie_is_refused(stack: StackUnderTest) -> None:
    browser = BrowserSession(stack.url).register(unique_email("ana"), PASSWORD, "Ana Lima")
    assert browser.user["role"] == "patient"
    cookie = browser.http.cookies.get("hospital_session")
    assert cookie
    assert browser.get("/api/v1/auth/me").json()["email"] == browser.user["email"]
    assert browser.post("/api/v1/auth/logout").status_code == 204
    browser.http.cookies.set("hospital_session", cookie)
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert browser.get("/api/v1/appointments/").status_code == 401


def test_an_unsafe_request_without_the_csrf_token_is_refused_by_the_gateway(stack: StackUnderTest) -> None:
    browser = BrowserSession(stack.url).register(unique_email("eve"), PASSWORD, "Eve")
    missing = browser.put("/api/v1/patients/me", json=PROFILE, headers={"X-CSRF-Token": ""})
    assert missing.status_code == 403
    assert missing.headers["Content-Type"] == "application/problem+json"
    cross_site = browser.put("/api/v1/patients/me", json=PROFILE, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403


def test_a_patient_keeps_their_profile_and_another_patient_cannot_see_it(stack: StackUnderTest) -> None:
    owner = BrowserSession(stack.url).register(unique_email("maria"), PASSWORD, "Maria Schmidt")
    created = owner.put("/api/v1/patients/me", json=PROFILE)
    assert created.status_code == 201, created.text
    updated = owner.put("/api/v1/patients/me", json={**PROFILE, "phone": "+44 20 7946 0958"})
    assert updated.status_code == 200 and updated.json()["phone"] == "+442079460958"

    stranger = BrowserSession(stack.url).register(unique_email("mallory"), PASSWORD, "Mallory")
    owner_id = owner.user["id"]
    assert stranger.get(f"/api/v1/patients/{owner_id}").status_code == 404
    assert (
        stranger.put(f"/api/v1/patients/{owner_id}", json={**PROFILE, "full_name": "Evil"}).status_code == 404
    )
    assert owner.get("/api/v1/patients/me").json()["full_name"] == "Maria Schmidt"


def test_the_public_directory_lists_searches_and_pages_cardiologists(
    stack: StackUnderTest, doctors: list[tuple[BrowserSession, dict]]
) -> None:
    anonymous = BrowserSession(stack.url)
    cardiologists = anonymous.get("/api/v1/doctors?specialization=cardiology").json()
    assert cardiologists["total"] == 2
    assert {d["full_name"] for d in cardiologists["items"]} == {"Dr. Anna Keller", "Dr. Ben Okafor"}
    assert [d["full_name"] for d in anonymous.get("/api/v1/doctors?q=okafor").json()["items"]] == [
        "Dr. Ben Okafor"
    ]
    page_two = anonymous.get("/api/v1/doctors?specialization=cardiology&page=2&page_size=1").json()
    assert page_two["page"] == 2 and len(page_two["items"]) == 1 and page_two["total"] == 2
    specializations = anonymous.get("/api/v1/doctors/specializations").json()
    assert len(specializations["items"] if isinstance(specializations, dict) else specializations) >= 12


def test_a_doctor_replaces_the_week_once_and_a_stale_etag_gets_412_and_the_change_is_on_the_stream(
    stack: StackUnderTest, doctors: list[tuple[BrowserSession, dict]]
) -> None:
    doctor, profile = doctors[0]
    current = doctor.get("/api/v1/doctors/me/schedule")
    old_etag = current.headers["ETag"]
    replaced = doctor.put("/api/v1/doctors/me/schedule", json=WEEK, headers={"If-Match": old_etag})
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["ETag"] != old_etag
    stale = doctor.put("/api/v1/doctors/me/schedule", json=WEEK, headers={"If-Match": old_etag})
    assert stale.status_code == 412

    client = redis.Redis.from_url(stack.redis.url, decode_responses=True)
    entries = []
    for _ in range(50):
        entries = [
            fields
            for _, fields in client.xrange("doctor-events")
            if fields.get("aggregate_id") == profile["id"]
        ]
        if any(e.get("type") == "doctor.schedule_replaced" for e in entries):
            break
        time.sleep(0.1)
    latest = entries[-1]
    payload = json.loads(latest["payload"])
    assert latest["type"] == "doctor.schedule_replaced"
    assert payload["schedule"]["weekly"]["monday"] == [{"start": "09:00", "end": "17:00"}]
    versions = [int(e["version"]) for e in entries]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


def test_a_patient_or_another_doctor_cannot_change_someones_schedule(
    stack: StackUnderTest, doctors: list[tuple[BrowserSession, dict]]
) -> None:
    (_, first), (other_doctor, _) = doctors
    path = f"/api/v1/doctors/{first['id']}/schedule"
    etag = BrowserSession(stack.url).get(path).headers["ETag"]
    patient = BrowserSession(stack.url).register(unique_email("pat"), PASSWORD, "Pat")
    assert patient.put(path, json=WEEK, headers={"If-Match": etag}).status_code == 403
    assert other_doctor.put(path, json=WEEK, headers={"If-Match": etag}).status_code == 403
    bad = {**WEEK, "weekly": {"monday": [{"start": "10:00", "end": "09:00"}]}}
    own = doctors[0][0].put("/api/v1/doctors/me/schedule", json=bad, headers={"If-Match": etag})
    assert own.status_code == 422 and any("weekly" in field for field in own.json()["errors"])
    assert BrowserSession(stack.url).get(path).headers["ETag"] == etag
