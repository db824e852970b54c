"""The slot finder and bookings over HTTP, against the real PostgreSQL and Redis."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN, FixedClock

from ..builders import doctor_snapshot
from ..conftest import MONDAY

ANON = {"X-Internal-Token": INTERNAL_TOKEN}
FIRST = (
    "2027-03-01T07:15:00Z"  # 08:00 Berlin + 60 min notice from 06:00 UTC -> 07:00 UTC is 08:00; 07:15 next
)


def patient(user_id: uuid.UUID | None = None) -> dict[str, str]:
    return identity_headers(user_id or uuid.uuid4(), "patient", INTERNAL_TOKEN)


def book(client: FlaskClient, headers: dict[str, str], doctor_id: str, start: str, **extra: Any) -> Any:
    body = {"doctor_id": doctor_id, "start": start, "reason": "chest pain", **extra}
    return client.post("/api/v1/appointments", json=body, headers=headers)


def next_slot(client: FlaskClient, **params: str) -> Any:
    query = "&".join(f"{k}={v}" for k, v in ({"specialization": "cardiology"} | params).items())
    return client.get(f"/api/v1/slots/next?{query}", headers=ANON)


def test_the_next_cardiology_slot_is_the_first_start_past_the_notice(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    answer = next_slot(client)
    assert answer.status_code == 200, answer.json
    slot = answer.json
    # 06:00 UTC + 60 min notice = 07:00 UTC = 08:00 in Berlin (winter time): the very first start.
    assert slot["start"] == "2027-03-01T07:00:00Z"
    assert slot["end"] == "2027-03-01T07:30:00Z"
    assert slot["doctor_id"] == snapshot["doctor_id"]
    assert slot["doctor_time_zone"] == "Europe/Berlin"
    assert slot["doctor_local_start"] == "2027-03-01T08:00:00+01:00"
    assert slot["rank_reason"].startswith("earliest free cardiology slot")


def test_a_booked_slot_is_not_offered_again_and_a_cancelled_one_is(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    first = next_slot(client).json
    headers = patient()
    booked = book(client, headers, first["doctor_id"], first["start"])
    assert booked.status_code == 201, booked.json
    assert booked.json["status"] == "booked"
    assert next_slot(client).json["start"] == "2027-03-01T07:30:00Z"
    cancelled = client.post(
        f"/api/v1/appointments/{booked.json['id']}/cancel", json={"reason": "better"}, headers=headers
    )
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert next_slot(client).json["start"] == first["start"]


def test_a_lost_race_is_a_409_problem_not_a_500(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    assert book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:00:00Z").status_code == 201
    lost = book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:00:00Z")
    assert lost.status_code == 409
    assert lost.mimetype == "application/problem+json"
    assert lost.json["reason"] == "slot_taken"
    overlapping = book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:15:00Z")
    assert overlapping.status_code == 409


def test_two_hundred_concurrent_bookings_of_one_slot_give_one_201(app: Flask, add_doctor: Any) -> None:
    snapshot = doctor_snapshot(duration=30)
    add_doctor(snapshot)

    def attempt(i: int) -> int:
        client = app.test_client()
        start = "2027-03-01T07:00:00Z" if i % 2 else "2027-03-01T07:15:00Z"  # overlapping, different starts
        return book(client, patient(), snapshot["doctor_id"], start).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(attempt, range(200)))
    assert statuses.count(201) == 1
    assert statuses.count(409) == 199
    with app.extensions["container"].engine.connect() as connection:
        overlaps = connection.scalar(
            text(
                "SELECT count(*) FROM appointments a JOIN appointments b ON a.doctor_id = b.doctor_id "
                "AND a.id < b.id AND a.status IN ('booked','held') AND b.status IN ('booked','held') "
                "AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until)"
            )
        )
    assert overlaps == 0


def test_the_same_idempotency_key_three_times_books_once(
    app: Flask, client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    headers = patient() | {"Idempotency-Key": "booking-1"}
    answers = [book(client, headers, snapshot["doctor_id"], FIRST) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json["id"] for a in answers}) == 1
    assert answers[2].headers["Idempotent-Replayed"] == "true"
    other_body = book(client, headers, snapshot["doctor_id"], "2027-03-01T09:00:00Z")
    assert other_body.status_code == 422
    assert "Idempotency-Key" in other_body.json["errors"]
    with app.extensions["container"].engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM appointments")) == 1


def test_a_hold_keeps_the_slot_and_an_expired_hold_frees_it(
    client: FlaskClient, add_doctor: Any, clock: FixedClock
) -> None:
    snapshot = doctor_snapshot(notice=0)
    add_doctor(snapshot)
    start = "2027-03-01T08:00:00Z"
    holder = patient()
    hold = client.post(
        "/api/v1/appointments/holds",
        json={"doctor_id": snapshot["doctor_id"], "start": start},
        headers=holder,
    )
    assert hold.status_code == 201, hold.json
    assert hold.json["status"] == "held"
    assert book(client, patient(), snapshot["doctor_id"], start).status_code == 409
    clock.now_is(MONDAY + timedelta(minutes=6))
    assert book(client, patient(), snapshot["doctor_id"], start).status_code == 201
    late = client.post(f"/api/v1/appointments/holds/{hold.json['id']}/confirm", json={}, headers=holder)
    assert late.status_code == 409


def test_a_confirmed_hold_is_a_booking(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    holder = patient()
    hold = client.post(
        "/api/v1/appointments/holds",
        json={"doctor_id": snapshot["doctor_id"], "start": FIRST},
        headers=holder,
    )
    confirmed = client.post(
        f"/api/v1/appointments/holds/{hold.json['id']}/confirm", json={"reason": "check-up"}, headers=holder
    )
    assert confirmed.status_code == 200
    assert confirmed.json["status"] == "booked"
    assert confirmed.json["reason"] == "check-up"


def test_reschedule_moves_atomically_or_changes_nothing(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    headers = patient()
    booked = book(client, headers, snapshot["doctor_id"], "2027-03-01T07:00:00Z").json
    assert book(client, patient(), snapshot["doctor_id"], "2027-03-01T09:00:00Z").status_code == 201
    refused = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2027-03-01T09:00:00Z"},
        headers=headers,
    )
    assert refused.status_code == 409
    still = client.get(f"/api/v1/appointments/{booked['id']}", headers=headers).json
    assert still["status"] == "booked"
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2027-03-01T07:15:00Z"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["start"].startswith("2027-03-01T07:15:00")
    assert moved.json["rescheduled_from"] == booked["id"]
    old = client.get(f"/api/v1/appointments/{booked['id']}", headers=headers).json
    assert old["status"] == "rescheduled"


def test_a_patient_cannot_see_cancel_or_move_another_patients_appointment(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    booked = book(client, patient(), snapshot["doctor_id"], FIRST).json
    intruder = patient()
    assert client.get(f"/api/v1/appointments/{booked['id']}", headers=intruder).status_code == 404
    assert (
        client.post(f"/api/v1/appointments/{booked['id']}/cancel", json={}, headers=intruder).status_code
        == 404
    )
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2027-03-01T09:00:00Z"},
        headers=intruder,
    )
    assert moved.status_code == 404
    assert client.get("/api/v1/appointments", headers=intruder).json["total"] == 0


def test_a_doctor_sees_only_their_own_agenda(client: FlaskClient, add_doctor: Any) -> None:
    mine, theirs = doctor_snapshot(name="Dr. Mine"), doctor_snapshot(name="Dr. Theirs")
    add_doctor(mine, theirs)
    book(client, patient(), mine["doctor_id"], FIRST)
    other = book(client, patient(), theirs["doctor_id"], FIRST).json
    doctor = identity_headers(mine["doctor"]["user_id"], "doctor", INTERNAL_TOKEN)
    agenda = client.get("/api/v1/appointments?scope=upcoming", headers=doctor).json
    assert agenda["total"] == 1
    assert agenda["items"][0]["doctor_id"] == mine["doctor_id"]
    assert client.get(f"/api/v1/appointments/{other['id']}", headers=doctor).status_code == 404
    related = client.get(
        f"/internal/relationships?doctor_user_id={mine['doctor']['user_id']}&patient_id={other['patient_id']}",
        headers=ANON,
    )
    assert related.status_code == 404


def test_the_less_loaded_doctor_ranks_first_and_says_why(client: FlaskClient, add_doctor: Any) -> None:
    busy, free = doctor_snapshot(name="Dr. Busy"), doctor_snapshot(name="Dr. Free")
    add_doctor(busy, free)
    for hour in (9, 10, 13, 14):  # UTC; 10:00, 11:00, 14:00, 15:00 in Berlin
        assert book(client, patient(), busy["doctor_id"], f"2027-03-02T{hour:02d}:00:00Z").status_code == 201
    slots = client.get("/api/v1/slots?specialization=cardiology&limit=2", headers=ANON).json["items"]
    assert [s["doctor_name"] for s in slots] == ["Dr. Free", "Dr. Busy"]
    assert slots[0]["start"] == slots[1]["start"]
    assert "Dr. Free is less booked this week (0% vs " in slots[0]["rank_reason"]
    assert "same start as Dr. Free" in slots[1]["rank_reason"]


def test_bad_searches_are_422_problems_naming_the_field(client: FlaskClient, add_doctor: Any) -> None:
    add_doctor(doctor_snapshot())
    cases = {
        "specialization=astrology": "specialization",
        "specialization=cardiology&appointment_type=surgery": "appointment_type",
        "specialization=cardiology&duration_minutes=45": "duration_minutes",
        "specialization=cardiology&from=2027-03-10T00:00:00Z&to=2027-03-09T00:00:00Z": "to",
        "specialization=cardiology&from=2027-03-01T00:00:00Z&to=2027-07-01T00:00:00Z": "to",
        "specialization=cardiology&limit=101": "limit",
        "specialization=cardiology&time_of_day=night": "time_of_day",
        "": "specialization",
    }
    for query, field in cases.items():
        answer = client.get(f"/api/v1/slots?{query}", headers=ANON)
        assert answer.status_code == 422, (query, answer.json)
        assert answer.mimetype == "application/problem+json"
        assert field in answer.json["errors"], (query, answer.json)


def test_bad_bookings_are_4xx_and_write_nothing(app: Flask, client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    headers = patient()
    assert (
        book(client, headers, snapshot["doctor_id"], "2027-03-01T07:05:00Z").status_code == 422
    )  # off the grid
    assert book(client, headers, snapshot["doctor_id"], "2027-03-01T06:30:00Z").status_code == 422  # notice
    assert book(client, headers, snapshot["doctor_id"], "2027-03-06T09:00:00Z").status_code == 422  # Saturday
    assert book(client, headers, str(uuid.uuid4()), FIRST).status_code == 422
    assert book(client, headers, snapshot["doctor_id"], "tomorrow").status_code == 422
    doctor = identity_headers(uuid.uuid4(), "doctor", INTERNAL_TOKEN)
    assert book(client, doctor, snapshot["doctor_id"], FIRST).status_code == 403
    with app.extensions["container"].engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM appointments")) == 0


def test_an_older_event_never_overwrites_a_newer_one(client: FlaskClient, add_doctor: Any) -> None:
    doctor_id = uuid.uuid4()
    add_doctor(doctor_snapshot(doctor_id=doctor_id, name="Dr. New", version=3))
    add_doctor(doctor_snapshot(doctor_id=doctor_id, name="Dr. Old", version=2))
    add_doctor(doctor_snapshot(doctor_id=doctor_id, name="Dr. Old", version=3))
    assert next_slot(client).json["doctor_name"] == "Dr. New"


def test_a_schedule_change_reaches_the_next_search(client: FlaskClient, add_doctor: Any) -> None:
    doctor_id = uuid.uuid4()
    add_doctor(doctor_snapshot(doctor_id=doctor_id))
    assert next_slot(client).json["start"] == "2027-03-01T07:00:00Z"
    later = {d: [{"start": "10:00", "end": "12:00"}] for d in ("monday", "tuesday")}
    add_doctor(doctor_snapshot(doctor_id=doctor_id, weekly=later, version=2))
    assert next_slot(client).json["start"] == "2027-03-01T09:00:00Z"


def test_doctors_not_accepting_new_patients_are_offered_only_to_their_patients(
    app: Flask, client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot(accepting_new_patients=True)
    add_doctor(snapshot)
    regular = uuid.uuid4()
    assert book(client, patient(regular), snapshot["doctor_id"], FIRST).status_code == 201
    add_doctor(
        {
            **doctor_snapshot(
                doctor_id=uuid.UUID(snapshot["doctor_id"]), accepting_new_patients=False, version=2
            )
        }
    )
    assert next_slot(client).status_code == 404
    mine = client.get("/api/v1/slots/next?specialization=cardiology", headers=patient(regular))
    assert mine.status_code == 200


def test_the_finder_answers_from_postgres_when_redis_is_down(
    app: Flask, client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot(notice=0)
    add_doctor(snapshot)
    with_cache = next_slot(client).json  # now cached in Redis
    container = app.extensions["container"]
    healthy = container.slot_cache
    container._slot_cache = type(healthy)(redis.Redis(port=1, socket_connect_timeout=0.2))  # nobody listens
    try:
        assert next_slot(client).json == with_cache
        booked = book(client, patient(), snapshot["doctor_id"], with_cache["start"])
        assert booked.status_code == 201
        after_booking = next_slot(client).json
        assert after_booking["start"] != with_cache["start"]
        unreachable = container._slot_cache
    finally:
        container._slot_cache = healthy
    # Redis is back: the invalidation that could not be sent is sent before the cache is trusted again.
    healthy._pending = unreachable._pending
    assert next_slot(client).json == after_booking


def test_a_batch_read_before_the_projection_was_reset_is_not_applied(app: Flask, add_doctor: Any) -> None:
    from appointment_service.service_layer.projection import apply_doctor_events

    from ..builders import stream_event

    container = app.extensions["container"]
    add_doctor(doctor_snapshot())  # the cursor is now "1-0"
    with container.engine.begin() as connection:
        connection.execute(text("TRUNCATE doctors, projection_cursor"))
    late = [stream_event(doctor_snapshot(), "9-0")]  # read after "1-0", before the reset
    applied = apply_doctor_events(
        container.uow(), events=late, stream="doctor-events", cache=container.slot_cache, after="1-0"
    )
    assert applied == 0
    with container.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM projection_cursor")) == 0
        assert connection.scalar(text("SELECT count(*) FROM doctors")) == 0


def test_a_released_hold_is_offered_again_in_every_specialization_of_the_doctor(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot(specializations=("cardiology", "pulmonology"))
    add_doctor(snapshot)
    first = next_slot(client, specialization="pulmonology").json  # cached now
    holder = patient()
    hold = client.post(
        "/api/v1/appointments/holds",
        json={"doctor_id": snapshot["doctor_id"], "start": first["start"], "appointment_type": "cardiology"},
        headers=holder,
    )
    assert hold.status_code == 201, hold.json
    assert next_slot(client, specialization="pulmonology").json["start"] != first["start"]
    assert client.delete(f"/api/v1/appointments/holds/{hold.json['id']}", headers=holder).status_code == 204
    assert next_slot(client, specialization="pulmonology").json["start"] == first["start"]


def test_updated_since_lists_changed_appointments_in_a_stable_order_for_mirroring(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    admin = identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)
    first = book(client, patient(), snapshot["doctor_id"], FIRST).json
    second = book(client, patient(), snapshot["doctor_id"], "2027-03-01T08:00:00Z").json
    assert first["updated_at"] and first["updated_at"] <= second["updated_at"]
    everything = client.get(
        "/api/v1/appointments", query_string={"updated_since": first["updated_at"]}, headers=admin
    ).json
    assert [a["id"] for a in everything["items"]] == [first["id"], second["id"]]
    cancelled = client.post(f"/api/v1/appointments/{first['id']}/cancel", json={}, headers=admin).json
    assert cancelled["updated_at"] > second["updated_at"]
    since = client.get(
        "/api/v1/appointments", query_string={"updated_since": second["updated_at"], "page_size": 1},
        headers=admin,
    ).json  # fmt: skip
    assert since["total"] == 2 and [a["id"] for a in since["items"]] == [second["id"]]
    page_two = client.get(
        "/api/v1/appointments",
        query_string={"updated_since": second["updated_at"], "page_size": 1, "page": 2},
        headers=admin,
    ).json  # fmt: skip
    assert [a["id"] for a in page_two["items"]] == [first["id"]]
    bad = client.get("/api/v1/appointments", query_string={"updated_since": "yesterday"}, headers=admin)
    assert bad.status_code == 422
