"""The Appointment-MS issue through the real gateway, with several replicas and Doctor-MS's real events."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.e2e import openapi_validation
from tests.e2e.browser import BrowserSession, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
PROFILE = {"full_name": "Pat Example", "date_of_birth": "1985-04-12", "phone": "+49 30 1234567"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def week(start: str = "08:00", end: str = "18:00", *, zone: str = "Europe/Berlin") -> dict[str, Any]:
    return {
        "time_zone": zone,
        "slot_step_minutes": 15,
        "buffer_minutes": 0,
        "minimum_notice_minutes": 0,
        "booking_horizon_days": 366,
        "weekly": {day: [{"start": start, "end": end}] for day in WEEKDAYS},
        "appointment_types": [
            {"code": "cardiology", "name": "Cardiology consultation", "duration_minutes": 30},
            {"code": "long", "name": "Long consultation", "duration_minutes": 60},
        ],
    }


def wait_until(check: Any, *, seconds: float = 10.0, every: float = 0.05) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {seconds}s")
        time.sleep(every)


def doctor_account(admin: BrowserSession, full_name: str) -> str:
    """The user id of a new doctor account (Doctor-MS lists only enabled Auth-MS doctor accounts)."""
    address = f"doctor.{uuid.uuid4().hex[:8]}@example.org"
    body = {"email": address, "full_name": full_name, "role": "doctor"}
    account = admin.post("/api/v1/auth/users", json=body)
    assert account.status_code == 201, account.text
    return account.json()["id"]


@pytest.fixture(scope="module")
def hospital(stack: StackUnderTest) -> dict[str, Any]:
    """Three replicas, an admin, two cardiologists working every day, and twenty signed-in patients."""
    stack.run("scale", "3")
    admin_email = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", admin_email, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_email, PASSWORD)
    doctors = []
    for name in ("Dr. Ada Quinn", "Dr. Bo Rhee"):
        created = admin.post(
            "/api/v1/doctors",
            json={"user_id": doctor_account(admin, name), "full_name": name,
                  "specializations": ["cardiology"], "time_zone": "Europe/Berlin", "languages": ["en", "de"]},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        doctor_id = created.json()["id"]
        etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
        put = admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=week(), headers={"If-Match": etag})
        assert put.status_code == 200, put.text
        doctors.append(doctor_id)
    patients = []
    for index in range(20):
        address = f"patient{index}.{uuid.uuid4().hex[:6]}@example.org"
        patients.append(BrowserSession(stack.url).register(address, PASSWORD, f"Pat {chr(65 + index)}"))
    for doctor_id in doctors:
        wait_until(lambda d=doctor_id: stack.get(f"/api/v1/slots/next?doctor_id={d}").status_code == 200)
    return {"admin": admin, "doctors": doctors, "patients": patients}


def replica_get(stack: StackUnderTest, replica: int, path: str) -> requests.Response:
    """Ask one replica directly (as the gateway would), to compare replicas' answers."""
    port = stack.replica_port(replica)
    headers = {"X-Internal-Token": stack.internal_token()}
    # Checked against the specs like the gateway's answers: a replica's answer is what the gateway passes on.
    checked = openapi_validation.validated_session(stack.url)
    return checked.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=10)


def slot_of(stack: StackUnderTest, doctor_id: str, **params: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in ({"doctor_id": doctor_id} | params).items())
    answer = stack.get(f"/api/v1/slots/next?{query}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def book(
    session: BrowserSession, doctor_id: str, start: str, headers: dict[str, str] | None = None, **extra: Any
) -> requests.Response:
    body = {"doctor_id": doctor_id, "start": start, "reason": "e2e", **extra}
    return session.post("/api/v1/appointments", json=body, headers=headers or {})


def test_two_hundred_concurrent_bookings_over_three_replicas_give_exactly_one(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    doctor_id, patients = hospital["doctors"][0], hospital["patients"]
    target = slot_of(stack, doctor_id)
    start = datetime.fromisoformat(target["start"].replace("Z", "+00:00"))
    # Three kinds of contenders: the same slot, a longer visit overlapping it, and holds of it.
    attempts = []
    for i in range(200):
        session = patients[i % len(patients)]
        if i % 3 == 0:
            attempts.append((session, "/api/v1/appointments", {"start": target["start"]}))
        elif i % 3 == 1:
            later = (start + timedelta(minutes=15)).isoformat().replace("+00:00", "Z")  # 60 min, overlapping
            attempts.append((session, "/api/v1/appointments", {"start": later, "appointment_type": "long"}))
        else:
            attempts.append((session, "/api/v1/appointments/holds", {"start": target["start"]}))

    def attempt(entry: tuple[BrowserSession, str, dict[str, Any]]) -> tuple[int, float, str]:
        session, path, body = entry
        started = time.perf_counter()
        answer = session.post(path, json={"doctor_id": doctor_id, **body})
        return answer.status_code, time.perf_counter() - started, answer.headers.get("X-Served-By", "")

    deadlocks = text("SELECT deadlocks FROM pg_stat_database WHERE datname = :name")
    database = stack.env["DB_PREFIX"] + "appointments"
    engine = create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}")
    with engine.connect() as connection:
        deadlocks_before = connection.scalar(deadlocks, {"name": database})
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(attempt, attempts))
    statuses = [status for status, _, _ in results]
    assert statuses.count(201) == 1, sorted(set(statuses))
    assert statuses.count(409) == 199
    assert not [s for s in statuses if s >= 500]
    assert len({served for _, _, served in results}) == 3  # all three replicas took part
    losers = sorted(seconds for status, seconds, _ in results if status == 409)
    # The client's time includes queueing in 50 threads on 2 cores; the service logs its own per request.
    inside = sorted(
        entry["duration_ms"]
        for replica in (1, 2, 3)
        for line in (stack.directory / "logs" / f"appointment-{replica}.log").read_text().splitlines()
        if line.startswith("{") and '"method": "POST"' in line and '"status": 409' in line
        for entry in [json.loads(line)]
    )
    assert len(inside) >= 199
    client_p99 = losers[int(0.99 * len(losers)) - 1] * 1000
    inside_p99 = inside[int(0.99 * len(inside)) - 1]
    print(
        f"\nlosers' p99 at the client: {client_p99:.1f} ms; inside Appointment-MS: "
        f"p50 {inside[len(inside) // 2]:.1f} ms, p99 {inside_p99:.1f} ms, max {inside[-1]:.1f} ms"
    )
    with engine.connect() as connection:
        time.sleep(0.6)  # PostgreSQL's statistics collector reports with a short delay
        assert connection.scalar(deadlocks, {"name": database}) == deadlocks_before
        overlaps = connection.scalar(
            text(
                "SELECT count(*) FROM appointments a JOIN appointments b ON a.doctor_id = b.doctor_id "
                "AND a.id < b.id AND a.status IN ('booked','held') AND b.status IN ('booked','held') "
                "AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until)"
            )
        )
    engine.dispose()
    assert overlaps == 0


def test_a_booked_slot_leaves_every_replica_at_once_and_a_cancelled_one_returns(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    doctor_id = hospital["doctors"][1]
    # A patient of their own: one who won the race above may hold an appointment at this very time.
    patient = BrowserSession(stack.url).register(
        f"fresh.{uuid.uuid4().hex[:6]}@example.org", PASSWORD, "Fresh"
    )
    first = slot_of(stack, doctor_id)
    booked = book(patient, doctor_id, first["start"])
    assert booked.status_code == 201, booked.text
    for replica in (1, 2, 3):
        answer = replica_get(stack, replica, f"/api/v1/slots/next?doctor_id={doctor_id}").json()
        assert answer["start"] != first["start"], replica
    cancelled = patient.post(f"/api/v1/appointments/{booked.json()['id']}/cancel", json={"reason": "e2e"})
    assert cancelled.status_code == 200
    for replica in (1, 2, 3):
        assert (
            replica_get(stack, replica, f"/api/v1/slots/next?doctor_id={doctor_id}").json()["start"]
            == first["start"]
        )


def test_the_confirmation_mail_with_its_ics_reaches_the_mail_sink(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    patient = hospital["patients"][5]
    doctor_id = hospital["doctors"][1]
    slot = slot_of(stack, doctor_id, time_of_day="afternoon")
    assert book(patient, doctor_id, slot["start"]).status_code == 201
    message = wait_for_mail(
        stack.directory / "mail", to=patient.user["email"], timeout=20, subject="appointment"
    )
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendars, message.as_string()[:500]
    ics = calendars[0].get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in ics
    assert slot["start"].replace("-", "").replace(":", "")[:15] in ics


def test_a_schedule_change_reaches_every_replica_within_a_second(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    admin, doctor_id = hospital["admin"], hospital["doctors"][1]
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    changed_at = time.monotonic()
    put = admin.put(
        f"/api/v1/doctors/{doctor_id}/schedule", json=week("20:00", "21:00"), headers={"If-Match": etag}
    )
    assert put.status_code == 200, put.text

    def everywhere() -> bool:
        for replica in (1, 2, 3):
            slot = replica_get(stack, replica, f"/api/v1/slots/next?doctor_id={doctor_id}").json()
            if not slot["doctor_local_start"][11:16] >= "20:00":
                return False
        return True

    wait_until(everywhere, seconds=5)
    elapsed = time.monotonic() - changed_at
    print(f"\nschedule change visible on all 3 replicas after {elapsed * 1000:.0f} ms")
    assert elapsed < 1.0
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    assert admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=week(), headers={"If-Match": etag}).ok


def test_a_new_replica_on_an_empty_projection_replays_and_answers_alike(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    prefix = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{stack.env['DB_PREFIX']}"
    appointments, doctors = create_engine(prefix + "appointments"), create_engine(prefix + "doctors")
    rows = text("SELECT id, version FROM doctors ORDER BY id")

    def projected() -> list[Any]:
        with appointments.connect() as connection:
            return list(connection.execute(rows).all())

    with doctors.connect() as connection:
        truth = list(connection.execute(rows).all())  # Doctor-MS's own versions
    wait_until(lambda: projected() == truth)  # earlier tests' last events have arrived
    # A window far ahead, so neither the clock nor the other tests' bookings change the answer meanwhile.
    query = (
        "/api/v1/slots?specialization=cardiology&from=2027-06-07T00:00:00Z&to=2027-06-08T00:00:00Z&limit=20"
    )
    before = replica_get(stack, 1, query).json()
    assert len(before["items"]) == 20
    with appointments.begin() as connection:
        connection.execute(text("TRUNCATE doctors, projection_cursor"))
    try:
        stack.run("scale", "4")  # the new replica is ready only once the replay has begun
        wait_until(lambda: projected() == truth)
        for replica in (1, 2, 3, 4):
            assert replica_get(stack, replica, query).json() == before, replica
        ready = replica_get(stack, 4, "/readyz").json()
        assert ready["checks"]["projection"]["lag_events"] == 0
    finally:
        appointments.dispose()
        doctors.dispose()
        stack.run("scale", "3")


def test_idempotency_and_privacy_through_the_gateway(stack: StackUnderTest, hospital: dict[str, Any]) -> None:
    patient, intruder = hospital["patients"][1], hospital["patients"][2]
    doctor_id = hospital["doctors"][0]
    slot = slot_of(stack, doctor_id, time_of_day="evening")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    answers = [book(patient, doctor_id, slot["start"], headers=key) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    appointment_id = answers[0].json()["id"]
    assert intruder.get(f"/api/v1/appointments/{appointment_id}").status_code == 404
    assert intruder.post(f"/api/v1/appointments/{appointment_id}/cancel", json={}).status_code == 404
    moved = intruder.post(f"/api/v1/appointments/{appointment_id}/reschedule", json={"start": slot["start"]})
    assert moved.status_code == 404
    mine = patient.get("/api/v1/appointments?scope=upcoming").json()
    assert appointment_id in [item["id"] for item in mine["items"]]
    assert appointment_id not in [item["id"] for item in intruder.get("/api/v1/appointments").json()["items"]]


def test_berlin_slots_keep_their_local_times_across_both_dst_changes(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    """Through the API: the Monday before and after each DST change starts at 08:00 Berlin time."""
    doctor_id = hospital["doctors"][0]
    firsts = {}
    for monday in ("2027-03-22", "2027-03-29", "2027-10-25", "2027-11-01"):
        frm, to = f"{monday}T00:00:00Z", f"{monday}T23:00:00Z"
        items = stack.get(f"/api/v1/slots?doctor_id={doctor_id}&from={frm}&to={to}&limit=3").json()["items"]
        assert [i["doctor_local_start"][11:16] for i in items] == ["08:00", "08:15", "08:30"], monday
        firsts[monday] = items[0]["start"]
    assert firsts == {
        "2027-03-22": "2027-03-22T07:00:00Z",  # CET, UTC+1
        "2027-03-29": "2027-03-29T06:00:00Z",  # CEST, UTC+2
        "2027-10-25": "2027-10-25T06:00:00Z",
        "2027-11-01": "2027-11-01T07:00:00Z",
    }


def test_a_doctor_sees_their_agenda_and_their_patients_profiles_only(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    admin = hospital["admin"]
    address = f"doctor.{uuid.uuid4().hex[:6]}@example.org"
    account = admin.post(
        "/api/v1/auth/users", json={"email": address, "full_name": "Dr. Di Ito", "role": "doctor"}
    )
    assert account.status_code == 201, account.text
    token = token_in(wait_for_mail(stack.directory / "mail", to=address))
    reset = BrowserSession(stack.url).post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
    )
    assert reset.status_code in (200, 204), reset.text
    profile = admin.post(
        "/api/v1/doctors",
        json={"user_id": account.json()["id"], "full_name": "Dr. Di Ito", "specializations": ["cardiology"],
              "time_zone": "Europe/Berlin"},
    )  # fmt: skip
    doctor_id = profile.json()["id"]
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    assert admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=week(), headers={"If-Match": etag}).ok
    wait_until(lambda: stack.get(f"/api/v1/slots/next?doctor_id={doctor_id}").status_code == 200)
    treated, stranger = (
        BrowserSession(stack.url).register(f"{n}.{uuid.uuid4().hex[:6]}@example.org", PASSWORD, n.title())
        for n in ("treated", "stranger")
    )
    for patient in (treated, stranger):
        assert patient.put("/api/v1/patients/me", json=PROFILE).status_code == 201
    slot = slot_of(stack, doctor_id)
    assert book(treated, doctor_id, slot["start"]).status_code == 201
    assert (
        book(stranger, hospital["doctors"][0], slot_of(stack, hospital["doctors"][0])["start"]).status_code
        == 201
    )

    doctor = BrowserSession(stack.url).login(address, PASSWORD)
    agenda = doctor.get("/api/v1/appointments?scope=upcoming").json()
    assert [item["patient_id"] for item in agenda["items"]] == [treated.user["id"]]
    assert agenda["items"][0]["reason"] == "e2e"
    assert doctor.get(f"/api/v1/patients/{treated.user['id']}").status_code == 200
    assert doctor.get(f"/api/v1/patients/{stranger.user['id']}").status_code == 404
    others = doctor.get(f"/api/v1/appointments?doctor_id={hospital['doctors'][0]}").json()
    assert others["total"] == 0
