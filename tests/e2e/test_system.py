"""The admin's system page through the real gateway: services' readiness and replicas found as they scale."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SERVICES = ["auth", "patient", "doctor", "appointment"]


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = f"admin.{uuid.uuid4().hex[:8]}@example.org"
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


def system_page(admin: BrowserSession) -> dict[str, Any]:
    response = admin.get("/api/v1/system")
    assert response.status_code == 200, response.text
    return response.json()


def eventually(
    admin: BrowserSession, condition: Callable[[dict[str, Any]], bool], *, seconds: float
) -> dict[str, Any]:
    """The first report that meets the condition within `seconds` (the last one seen fails the test)."""
    deadline = time.monotonic() + seconds
    report = system_page(admin)
    while not condition(report) and time.monotonic() < deadline:
        time.sleep(0.25)
        report = system_page(admin)
    assert condition(report), report
    return report


def replica_names(report: dict[str, Any]) -> list[str]:
    return [replica["name"] for replica in report["replicas"]["items"]]


def test_an_admin_sees_every_service_ready_and_the_one_replica(
    stack: StackUnderTest, admin: BrowserSession
) -> None:
    report = system_page(admin)
    services = {service["name"]: service for service in report["services"]}
    assert list(services) == SERVICES
    for name, service in services.items():
        assert service["ready"] is True, (name, service)
        assert service["status_code"] == 200
        assert service["checks"]["database"] == {"status": "ok"}
        assert 0 <= service["response_time_ms"] < 1000
    assert report["all_ready"] is True
    assert report["replicas"]["count"] == 1
    (replica,) = report["replicas"]["items"]
    assert replica["name"] == "appointment-1"
    assert replica["address"] == f"127.0.0.1:{stack.replica_port(1)}"
    assert replica["workers"] == 2  # WEB_CONCURRENCY: each worker announces itself
    assert isinstance(report["bookings_today"]["created_today"], int)
    assert isinstance(report["bookings_today"]["starting_today"], int)


def test_replicas_are_found_as_they_are_scaled_out_and_gone_when_scaled_in(
    stack: StackUnderTest, admin: BrowserSession
) -> None:
    stack.run("scale", "3")
    try:
        report = eventually(admin, lambda r: r["replicas"]["count"] == 3, seconds=5)
        assert replica_names(report) == ["appointment-1", "appointment-2", "appointment-3"]
        assert [r["address"] for r in report["replicas"]["items"]] == [
            f"127.0.0.1:{stack.replica_port(n)}" for n in (1, 2, 3)
        ]
        for _ in range(60):  # spread over the replicas by the gateway
            assert admin.get("/api/v1/appointments").status_code == 200
        # Each worker tells its counts at its next heartbeat (every 5 s).
        report = eventually(
            admin,
            lambda r: sum(x["requests_last_minute"] for x in r["replicas"]["items"]) >= 60,
            seconds=12,
        )
        for replica in report["replicas"]["items"]:
            assert replica["requests_per_second"] >= 0
            assert replica["last_seen_at"] >= replica["started_at"]
        assert any(replica["latency_p95_ms"] for replica in report["replicas"]["items"])
    finally:
        stack.run("scale", "1")
    report = eventually(admin, lambda r: r["replicas"]["count"] == 1, seconds=15)
    assert replica_names(report) == ["appointment-1"]


def test_a_patient_is_refused_and_an_anonymous_caller_must_sign_in(stack: StackUnderTest) -> None:
    address = f"patient.{uuid.uuid4().hex[:8]}@example.org"
    patient = BrowserSession(stack.url).register(address, PASSWORD, "Maria Schmidt").login(address, PASSWORD)
    refused = patient.get("/api/v1/system")
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    anonymous = stack.get("/api/v1/system")
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"].startswith("application/problem+json")
