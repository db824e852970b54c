"""Through the real gateway: Doctor-MS's round trips, preconditions and who is in the directory."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import redis

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

# The issue 3-4 module's account fixtures; module-scoped, so they create this module's own accounts.
from tests.e2e.test_people_and_schedules import PASSWORD, admin, doctors, unique_email

__all__ = ["admin", "doctors"]  # exported fixtures: pytest finds them by name in this module

pytestmark = pytest.mark.e2e

ME = "/api/v1/doctors/me"
WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "minimum_notice_minutes": 0,
    "booking_horizon_days": 30,
    "weekly": {day: [{"start": "00:00", "end": "24:00"}] for day in ("monday", "tuesday", "wednesday",
               "thursday", "friday", "saturday", "sunday")},
    "appointment_types": [{"code": "cardiology", "duration_minutes": 30}],
}  # fmt: skip


def eventually(check: Callable[[], bool], *, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_doctor_sends_their_profile_back_as_read_by_patch_and_put(
    doctors: list[tuple[BrowserSession, dict]],
) -> None:
    session, _ = doctors[0]
    read = session.get(ME)
    etag = read.headers["ETag"]

    patched = session.request("PATCH", ME, json=read.json())
    put = session.put(ME, json=read.json(), headers={"If-Match": etag})
    blind = session.put(ME, json=read.json())

    assert patched.status_code == 200, patched.text
    assert put.status_code == 200, put.text
    assert patched.headers["ETag"] == put.headers["ETag"] == etag
    assert put.json() == read.json()
    assert blind.status_code == 428


def test_an_unchanged_schedule_keeps_its_etag_and_if_match_spellings_mean_the_same(
    doctors: list[tuple[BrowserSession, dict]],
) -> None:
    session, _ = doctors[0]
    first = session.get(f"{ME}/schedule")
    version = first.json()["version"]
    bare = session.put(f"{ME}/schedule", json=WEEK, headers={"If-Match": str(version)})
    assert bare.status_code == 200, bare.text
    read = session.get(f"{ME}/schedule")

    unchanged = session.put(f"{ME}/schedule", json=read.json(), headers={"If-Match": read.headers["ETag"]})
    weak = session.put(f"{ME}/schedule", json=read.json(), headers={"If-Match": f"W/{read.headers['ETag']}"})

    assert unchanged.status_code == 200 and unchanged.headers["ETag"] == read.headers["ETag"]
    assert weak.status_code == 412 and "strong" in weak.json()["detail"]


def test_one_answer_names_every_broken_field_of_a_schedule(
    doctors: list[tuple[BrowserSession, dict]],
) -> None:
    session, _ = doctors[1]
    read = session.get(f"{ME}/schedule")
    weekly = {
        "monday": [{"start": "09:00", "end": "99:00"}],
        "tuesday": [{"start": "09:00", "end": "12:00"}, {"start": "10:00", "end": "11:00"}],
    }

    answer = session.put(
        f"{ME}/schedule", json={**WEEK, "weekly": weekly}, headers={"If-Match": read.headers["ETag"]}
    )

    assert answer.status_code == 422
    assert {"weekly.monday[0].end", "weekly.tuesday"} <= set(answer.json()["errors"])


def test_a_doctor_needs_an_existing_doctor_account(stack: StackUnderTest, admin: BrowserSession) -> None:
    patient = BrowserSession(stack.url).register(unique_email("pat"), PASSWORD, "Pat Patient")
    body = {"full_name": "Dr. Nobody", "specializations": ["cardiology"], "time_zone": "Europe/Berlin"}

    unknown = admin.post("/api/v1/doctors", json={**body, "user_id": str(uuid.uuid4())})
    as_patient = admin.post("/api/v1/doctors", json={**body, "user_id": patient.user["id"]})

    assert unknown.status_code == 422 and list(unknown.json()["errors"]) == ["user_id"]
    assert as_patient.status_code == 422 and list(as_patient.json()["errors"]) == ["user_id"]
    assert "patient account" in as_patient.json()["detail"]


def test_the_catalog_and_the_directory_answer_the_one_list_shape(stack: StackUnderTest) -> None:
    catalog = stack.get("/api/v1/doctors/specializations").json()
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    changed = stack.get("/api/v1/doctors", params={"updated_since": since}).json()

    assert set(catalog) == set(changed) == {"items", "page", "page_size", "total"}
    stamps = [(d["updated_at"], d["id"]) for d in changed["items"]]
    assert stamps == sorted(stamps)


def test_time_off_in_the_past_is_refused(doctors: list[tuple[BrowserSession, dict]]) -> None:
    session, _ = doctors[1]
    yesterday = (date.today() - timedelta(days=2)).isoformat()

    answer = session.post(f"{ME}/time-off", json={"start_date": yesterday})

    assert answer.status_code == 422 and list(answer.json()["errors"]) == ["start_date"]


def _slot_doctor_ids(stack: StackUnderTest) -> set[str]:
    answer = stack.get("/api/v1/slots", params={"specialization": "cardiology", "limit": 50})
    return {slot["doctor_id"] for slot in answer.json().get("items", [])}


def _directory_ids(stack: StackUnderTest) -> set[str]:
    return {d["id"] for d in stack.get("/api/v1/doctors", params={"page_size": 100}).json()["items"]}


def test_a_deactivated_doctor_leaves_the_directory_and_the_slot_finder_and_comes_back(
    stack: StackUnderTest, admin: BrowserSession, doctors: list[tuple[BrowserSession, dict]]
) -> None:
    session, profile = doctors[0]
    doctor_id = profile["id"]
    assert eventually(lambda: doctor_id in _slot_doctor_ids(stack)), "the doctor never offered a slot"

    assert session.post(f"/api/v1/doctors/{doctor_id}/deactivate").status_code == 403
    deactivated = admin.post(f"/api/v1/doctors/{doctor_id}/deactivate")

    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert doctor_id not in _directory_ids(stack)
    assert stack.get(f"/api/v1/doctors/{doctor_id}").status_code == 404
    assert admin.get(f"/api/v1/doctors/{doctor_id}").json()["active"] is False
    assert session.get(ME).status_code == 200
    listed = admin.get("/api/v1/doctors", params={"include_inactive": "true", "page_size": 100}).json()
    assert doctor_id in {d["id"] for d in listed["items"]}
    assert eventually(lambda: doctor_id not in _slot_doctor_ids(stack)), "still offered while inactive"
    assert session.get("/api/v1/appointments").status_code == 200  # their agenda is kept

    assert admin.post(f"/api/v1/doctors/{doctor_id}/activate").json()["active"] is True
    assert eventually(lambda: doctor_id in _slot_doctor_ids(stack)), "not offered again once active"


def _account_event(stack: StackUnderTest, user_id: str, *, disabled: bool) -> None:
    kind = "account.disabled" if disabled else "account.enabled"
    occurred = datetime.now(UTC).isoformat()
    payload = {"schema_version": 1, "type": kind, "user_id": user_id, "version": 99, "occurred_at": occurred,
               "account": {"id": user_id, "role": "doctor", "disabled": disabled}}  # fmt: skip
    client = redis.Redis.from_url(stack.redis.url)
    try:
        client.xadd("account-events", {"event_id": str(uuid.uuid4()), "type": kind, "aggregate_id": user_id,
                    "version": "99", "occurred_at": occurred, "payload": json.dumps(payload)})  # fmt: skip
    finally:
        client.close()


def test_a_disabled_account_takes_its_doctor_out_of_the_directory_until_enabled(
    stack: StackUnderTest, admin: BrowserSession, doctors: list[tuple[BrowserSession, dict]]
) -> None:
    _, profile = doctors[1]
    doctor_id = profile["id"]
    assert doctor_id in _directory_ids(stack)

    _account_event(stack, profile["user_id"], disabled=True)
    hidden = eventually(lambda: doctor_id not in _directory_ids(stack))
    flags = admin.get(f"/api/v1/doctors/{doctor_id}").json()
    _account_event(stack, profile["user_id"], disabled=False)

    assert hidden and flags["account_disabled"] is True and flags["active"] is True
    assert eventually(lambda: doctor_id in _directory_ids(stack))
