"""Appointment-MS over HTTP with its real database and Redis."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy.exc
from flask import Flask
from flask.testing import FlaskClient

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from hospital_shared.identity import identity_headers

from ..conftest import TOKEN

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def book(
    app: Flask, *, patient_id: uuid.UUID, doctor_id: uuid.UUID, start: datetime, minutes: int = 30
) -> None:
    with app.extensions["container"].uow() as uow:
        uow.appointments.add(
            Appointment(
                id=uuid.uuid4(),
                patient_id=patient_id,
                doctor_id=doctor_id,
                start=start,
                end=start + timedelta(minutes=minutes),
                status=AppointmentStatus.BOOKED,
            )
        )
        uow.commit()


def test_health_answers_without_the_internal_token(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readiness_reports_database_redis_and_migrations(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {
        "database": {"status": "ok"},
        "redis": {"status": "ok"},
        "migrations": {"status": "ok"},
    }


def test_business_routes_refuse_calls_without_the_internal_token(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/appointments/", headers={"X-User-Id": str(uuid.uuid4()), "X-User-Role": "patient"}
    )
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "X-Internal-Token" in response.json["detail"]


def test_a_wrong_internal_token_is_refused(client: FlaskClient) -> None:
    response = client.get("/openapi.json", headers={"X-Internal-Token": "guess"})
    assert response.status_code == 401


def test_the_openapi_document_lists_the_routes(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers={"X-Internal-Token": TOKEN}).json
    assert "/api/v1/appointments/" in spec["paths"]
    assert (
        spec["paths"]["/api/v1/appointments/"]["get"]["summary"]
        == "List the signed-in patient's appointments."
    )


def test_an_anonymous_caller_gets_401_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/appointments/", headers={"X-Internal-Token": TOKEN})
    assert response.status_code == 401
    assert response.json["title"] == "Authentication required"


def test_a_patient_sees_only_their_own_appointments(app: Flask, client: FlaskClient) -> None:
    me, other, doctor = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    book(app, patient_id=me, doctor_id=doctor, start=START)
    book(app, patient_id=other, doctor_id=doctor, start=START + timedelta(hours=1))

    response = client.get("/api/v1/appointments/", headers=identity_headers(me, "patient", TOKEN))

    assert response.status_code == 200
    body = response.json
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 20
    assert body["items"][0]["patient_id"] == str(me)
    assert body["items"][0]["start"] == "2026-12-01T09:00:00+00:00"
    assert body["items"][0]["duration_minutes"] == 30


def test_bad_paging_is_a_422_naming_the_field(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/appointments/?page=0&page_size=abc", headers=identity_headers(uuid.uuid4(), "patient", TOKEN)
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"page", "page_size"}


def test_a_doctor_cannot_use_the_patient_list(client: FlaskClient) -> None:
    response = client.get("/api/v1/appointments/", headers=identity_headers(uuid.uuid4(), "doctor", TOKEN))
    assert response.status_code == 403


def test_unknown_routes_and_methods_are_problem_json(client: FlaskClient) -> None:
    headers = {"X-Internal-Token": TOKEN}
    missing = client.get("/api/v1/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong_method = client.delete("/api/v1/appointments/", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "application/problem+json"
    assert "GET" in wrong_method.headers["Allow"]


def test_the_database_refuses_two_overlapping_booked_appointments_of_one_doctor(app: Flask) -> None:
    doctor = uuid.uuid4()
    book(app, patient_id=uuid.uuid4(), doctor_id=doctor, start=START)
    with pytest.raises(sqlalchemy.exc.IntegrityError, match="appointments_no_overlap_per_doctor"):
        book(app, patient_id=uuid.uuid4(), doctor_id=doctor, start=START + timedelta(minutes=15))
    # Back to back is fine, and another doctor at the same time is fine.
    book(app, patient_id=uuid.uuid4(), doctor_id=doctor, start=START + timedelta(minutes=30))
    book(app, patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), start=START)


def test_every_response_carries_the_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated.headers["X-Request-ID"]) == 32
