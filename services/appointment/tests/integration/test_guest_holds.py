"""Holds made before signing in: kept, capped per client, claimed by the token's bearer only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import text

from hospital_testing import FixedClock

from ..builders import doctor_snapshot
from ..conftest import MONDAY
from .test_slots_and_booking import ANON, FIRST, book, next_slot, patient


def guest_hold(client: FlaskClient, doctor_id: str, start: str, address: str = "198.51.100.7") -> Any:
    headers = ANON | {"X-Forwarded-For": address}
    return client.post("/api/v1/slots/holds", json={"doctor_id": doctor_id, "start": start}, headers=headers)


def confirm(client: FlaskClient, hold_id: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/appointments/holds/{hold_id}/confirm", json=body, headers=headers)


def test_a_guest_hold_keeps_the_slot_and_its_token_makes_it_the_patients_booking(
    client: FlaskClient, add_doctor: Any, app: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    held = guest_hold(client, snapshot["doctor_id"], FIRST)
    assert held.status_code == 201, held.json
    assert held.json["status"] == "held"
    assert held.json["hold_expires_at"] and held.json["claim_token"]
    assert "patient_id" not in held.json
    assert next_slot(client).json["start"] != FIRST  # kept from everyone else
    assert book(client, patient(), snapshot["doctor_id"], FIRST).status_code == 409

    me = patient()
    confirmed = confirm(
        client, held.json["id"], me, claim_token=held.json["claim_token"], reason="chest pain"
    )
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "booked"
    assert confirmed.json["patient_id"] == me["X-User-Id"]
    assert confirmed.json["reason"] == "chest pain"
    mine = client.get("/api/v1/appointments?scope=upcoming", headers=me).json["items"]
    assert [a["id"] for a in mine] == [held.json["id"]]
    with app.extensions["container"].engine.connect() as connection:
        stored = connection.execute(text("SELECT claim_token_hash, guest_key FROM appointments")).one()
    assert stored.claim_token_hash is None  # spent: the token cannot be used again
    assert stored.guest_key and "198.51.100.7" not in stored.guest_key


def test_without_the_right_token_nobody_else_can_confirm_or_release_a_guest_hold(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    held = guest_hold(client, snapshot["doctor_id"], FIRST).json
    assert confirm(client, held["id"], patient()).status_code == 404
    assert confirm(client, held["id"], patient(), claim_token="x" * 43).status_code == 404
    wrong = client.post(
        f"/api/v1/slots/holds/{held['id']}/release", json={"claim_token": "nope"}, headers=ANON
    )
    assert wrong.status_code == 404
    first = patient()
    assert confirm(client, held["id"], first, claim_token=held["claim_token"]).status_code == 200
    # Spent by the first patient: a second one with the same token gets nothing.
    assert confirm(client, held["id"], patient(), claim_token=held["claim_token"]).status_code == 404


def test_a_released_guest_hold_is_offered_again(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    held = guest_hold(client, snapshot["doctor_id"], FIRST).json
    released = client.post(
        f"/api/v1/slots/holds/{held['id']}/release", json={"claim_token": held["claim_token"]}, headers=ANON
    )
    assert released.status_code == 204
    assert book(client, patient(), snapshot["doctor_id"], FIRST).status_code == 201


def test_a_claim_that_overlaps_the_patients_own_booking_is_409_and_changes_nothing(
    client: FlaskClient, add_doctor: Any
) -> None:
    cardiologist, other = doctor_snapshot(), doctor_snapshot()
    add_doctor(cardiologist)
    add_doctor(other)
    me = patient()
    assert book(client, me, other["doctor_id"], FIRST).status_code == 201
    held = guest_hold(client, cardiologist["doctor_id"], FIRST).json
    refused = confirm(client, held["id"], me, claim_token=held["claim_token"])
    assert refused.status_code == 409, refused.json
    assert refused.json["reason"] == "patient_overlap"
    # Still a guest hold, still claimable by its token (by a patient who is free then).
    assert confirm(client, held["id"], patient(), claim_token=held["claim_token"]).status_code == 200


def test_live_guest_holds_are_capped_per_client_network(
    client: FlaskClient, add_doctor: Any, clock: FixedClock
) -> None:
    snapshot = doctor_snapshot(notice=0)
    add_doctor(snapshot)
    starts = [f"2027-03-01T{hour:02d}:00:00Z" for hour in (8, 9, 10, 13)]
    for start in starts[:3]:
        assert guest_hold(client, snapshot["doctor_id"], start, "2001:db8:7:7::1").status_code == 201
    # Another address in the same IPv6 /64 is the same client; a different network is not.
    capped = guest_hold(client, snapshot["doctor_id"], starts[3], "2001:db8:7:7::2")
    assert capped.status_code == 429, capped.json
    assert capped.headers["Content-Type"].startswith("application/problem+json")
    assert guest_hold(client, snapshot["doctor_id"], starts[3], "2001:db8:9:9::1").status_code == 201
    clock.now_is(MONDAY + timedelta(minutes=6))  # the first three expired
    later = "2027-03-01T14:00:00Z"
    assert guest_hold(client, snapshot["doctor_id"], later, "2001:db8:7:7::3").status_code == 201


def test_an_expired_guest_hold_cannot_be_confirmed(
    client: FlaskClient, add_doctor: Any, clock: FixedClock
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    held = guest_hold(client, snapshot["doctor_id"], FIRST).json
    clock.now_is(MONDAY + timedelta(minutes=6))
    late = confirm(client, held["id"], patient(), claim_token=held["claim_token"])
    assert late.status_code == 409


def test_bad_guest_hold_input_is_422(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    for body in (
        {},
        {"doctor_id": "nope", "start": FIRST},
        {"doctor_id": snapshot["doctor_id"], "start": "x"},
    ):
        answer = client.post("/api/v1/slots/holds", json=body, headers=ANON)
        assert answer.status_code == 422, (body, answer.json)
    off_grid = guest_hold(client, snapshot["doctor_id"], "2027-03-01T07:07:00Z")
    assert off_grid.status_code == 422
