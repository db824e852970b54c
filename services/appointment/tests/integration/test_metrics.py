"""What Prometheus reads from Appointment-MS beyond request counts: bookings by outcome, projection lag."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from ..builders import doctor_snapshot
from .test_slots_and_booking import book, patient


def _bookings(kind: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("appointment_bookings_total", {"kind": kind, "outcome": outcome}) or 0.0


def _sample(client: FlaskClient, name: str) -> float:
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is not on /metrics")


def test_bookings_are_counted_by_outcome_a_lost_race_as_a_conflict(
    client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    ok, conflict = _bookings("booking", "ok"), _bookings("booking", "conflict")
    rejected = _bookings("booking", "rejected")

    assert book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:00:00Z").status_code == 201
    assert book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:00:00Z").status_code == 409
    assert book(client, patient(), snapshot["doctor_id"], "2027-03-01T07:10:00Z").status_code == 422

    assert _bookings("booking", "ok") == ok + 1
    assert _bookings("booking", "conflict") == conflict + 1
    assert _bookings("booking", "rejected") == rejected + 1


def test_holds_are_counted_apart_from_bookings(client: FlaskClient, add_doctor: Any) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    held, booked = _bookings("hold", "ok"), _bookings("booking", "ok")

    body = {"doctor_id": snapshot["doctor_id"], "start": "2027-03-01T07:00:00Z"}
    assert client.post("/api/v1/appointments/holds", json=body, headers=patient()).status_code == 201

    assert _bookings("hold", "ok") == held + 1
    assert _bookings("booking", "ok") == booked


def test_the_projection_lag_counts_stream_entries_not_applied_yet(app: Flask, client: FlaskClient) -> None:
    container = app.extensions["container"]
    stream = container.settings.doctor_events_stream
    before = _sample(client, "appointment_projection_lag_events")

    entry = container.redis.xadd(stream, {"type": "doctor.changed"})
    try:
        assert _sample(client, "appointment_projection_lag_events") == before + 1
    finally:
        container.redis.xdel(stream, entry)  # later tests' readiness must not see it
