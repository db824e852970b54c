"""Appointment-MS's platform plumbing over HTTP with its real database and Redis."""

import uuid

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN


def test_health_answers_without_the_internal_token(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readiness_reports_database_redis_migrations_and_projection_lag(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json["checks"]
    assert checks["database"] == checks["redis"] == checks["migrations"] == {"status": "ok"}
    assert checks["projection"]["status"] == "ok"
    assert checks["projection"]["lag_events"] == 0


def test_business_routes_refuse_calls_without_the_internal_token(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/appointments", headers={"X-User-Id": str(uuid.uuid4()), "X-User-Role": "patient"}
    )
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "X-Internal-Token" in response.json["detail"]


def test_a_wrong_internal_token_is_refused(client: FlaskClient) -> None:
    headers = identity_headers(uuid.uuid4(), "patient", "not-the-token")
    assert client.get("/api/v1/slots?specialization=cardiology", headers=headers).status_code == 401


def test_the_openapi_document_lists_the_routes(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers={"X-Internal-Token": INTERNAL_TOKEN}).json
    for path in ("/api/v1/slots", "/api/v1/slots/next", "/api/v1/appointments", "/api/v1/appointments/holds"):
        assert path in spec["paths"], path


def test_an_anonymous_caller_gets_401_problem_for_appointments(client: FlaskClient) -> None:
    response = client.get("/api/v1/appointments", headers={"X-Internal-Token": INTERNAL_TOKEN})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_unknown_routes_and_methods_are_problem_json(client: FlaskClient) -> None:
    headers = {"X-Internal-Token": INTERNAL_TOKEN}
    missing = client.get("/api/v1/appointments/nothing-here", headers=headers)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/slots", headers=headers)
    assert wrong.status_code == 405
    assert wrong.mimetype == "application/problem+json"


def test_every_response_carries_the_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
