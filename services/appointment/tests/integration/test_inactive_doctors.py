"""A doctor whose event says active=false (deactivated, or account disabled) is offered nowhere, yet keeps
their agenda; the flag comes from Doctor-MS's payload (services/doctor/EVENTS.md)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN

from ..builders import doctor_snapshot
from .test_slots_and_booking import ANON, FIRST, book, next_slot, patient


def inactive(snapshot: dict[str, Any], *, version: int, active: bool = False) -> dict[str, Any]:
    return {**snapshot, "version": version, "doctor": {**snapshot["doctor"], "active": active}}


def test_an_inactive_doctor_is_offered_nowhere_and_keeps_their_agenda(
    client: FlaskClient, add_doctor: Any
) -> None:
    doctor_id = uuid.uuid4()
    snapshot = doctor_snapshot(doctor_id=doctor_id)
    add_doctor(snapshot)
    who = patient()
    booked = book(client, who, str(doctor_id), FIRST)
    assert booked.status_code == 201, booked.json

    add_doctor(inactive(doctor_snapshot(doctor_id=doctor_id, version=2), version=2))

    assert next_slot(client).status_code == 404
    by_doctor = client.get(f"/api/v1/slots?doctor_id={doctor_id}", headers=ANON)
    assert by_doctor.status_code == 422 and list(by_doctor.json["errors"]) == ["doctor_id"]
    assert book(client, patient(), str(doctor_id), "2027-03-01T09:00:00Z").status_code == 422
    doctor = identity_headers(snapshot["doctor"]["user_id"], "doctor", INTERNAL_TOKEN)
    assert client.get("/api/v1/appointments?scope=upcoming", headers=doctor).json["total"] == 1
    assert client.get(f"/api/v1/appointments/{booked.json['id']}", headers=who).status_code == 200


def test_an_active_doctor_again_is_offered_again(client: FlaskClient, add_doctor: Any) -> None:
    doctor_id = uuid.uuid4()
    add_doctor(inactive(doctor_snapshot(doctor_id=doctor_id), version=1))
    assert next_slot(client).status_code == 404

    add_doctor(inactive(doctor_snapshot(doctor_id=doctor_id, version=2), version=2, active=True))

    assert next_slot(client).json["doctor_id"] == str(doctor_id)
