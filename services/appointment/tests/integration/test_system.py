"""The admin's system page against the real PostgreSQL and Redis, and real HTTP servers to probe."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from appointment_service.adapters.http.app import create_app
from appointment_service.adapters.redis.replica_registry import RedisReplicaRegistry
from appointment_service.adapters.replica_heartbeat import ReplicaHeartbeat
from appointment_service.config import Settings
from appointment_service.domain.replicas import LatencyHistogram, ReplicaWorker, WorkerHeartbeat
from appointment_service.domain.system import utc_day
from hospital_shared.background import start_background_work
from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN, FixedClock, free_port, running_app

from ..builders import doctor_snapshot
from ..conftest import MONDAY, TABLES

ADMIN = identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)
# A database no suite flushes after each test (the app's, redis_url("appointment"), is), for the registry's
# own tests.
REGISTRY_REDIS_URL = "redis://127.0.0.1:6379/15"


def heartbeat(instance: str, pid: int, *, requests: int = 0) -> WorkerHeartbeat:
    worker = ReplicaWorker(instance=instance, address="127.0.0.1:5004", pid=pid, started_at=datetime.now(UTC))
    latency = LatencyHistogram({LatencyHistogram.bucket_of(8.0): requests} if requests else {})
    return WorkerHeartbeat(
        worker=worker, seen_at=datetime.now(UTC), requests=requests, window_seconds=60.0, latency=latency
    )


@pytest.fixture
def registry() -> Iterator[RedisReplicaRegistry]:
    client = redis.Redis.from_url(REGISTRY_REDIS_URL, decode_responses=True)
    key = f"test:replicas:{uuid.uuid4().hex[:8]}"
    yield RedisReplicaRegistry(client, key)
    for found in client.scan_iter(f"{key}*"):
        client.delete(found)
    client.close()


# -- the registry in Redis ------------------------------------------------------------------------------


def test_published_heartbeats_are_read_back_as_they_were_written(registry: RedisReplicaRegistry) -> None:
    written = heartbeat("appointment-1", 41, requests=30)
    registry.publish(written, ttl_seconds=15)
    registry.publish(heartbeat("appointment-2", 42), ttl_seconds=15)
    found = {beat.worker.pid: beat for beat in registry.live()}
    assert set(found) == {41, 42}
    assert found[41] == written


def test_a_heartbeat_not_renewed_within_its_ttl_is_gone(registry: RedisReplicaRegistry) -> None:
    registry.publish(heartbeat("appointment-1", 1), ttl_seconds=1)
    registry.publish(heartbeat("appointment-2", 2), ttl_seconds=15)
    time.sleep(1.3)
    assert [beat.worker.instance for beat in registry.live()] == ["appointment-2"]


def test_a_withdrawn_heartbeat_is_gone_at_once(registry: RedisReplicaRegistry) -> None:
    registry.publish(heartbeat("appointment-1", 1), ttl_seconds=15)
    registry.publish(heartbeat("appointment-1", 2), ttl_seconds=15)
    registry.withdraw(instance="appointment-1", pid=1)
    assert [beat.worker.pid for beat in registry.live()] == [2]


def test_the_heartbeat_thread_announces_until_stopped_then_withdraws(registry: RedisReplicaRegistry) -> None:
    beat = heartbeat("appointment-7", 7)
    thread = ReplicaHeartbeat(
        lambda: registry.publish(beat, ttl_seconds=15),
        lambda: registry.withdraw(instance="appointment-7", pid=7),
        interval_seconds=0.05,
    )
    thread.start_in_background()
    try:
        assert wait_for(lambda: [b.worker.pid for b in registry.live()] == [7])
    finally:
        thread.stop()
    assert registry.live() == []


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# -- the page over HTTP, probing real servers ---------------------------------------------------------------


class _Readiness(BaseHTTPRequestHandler):
    """/readyz as a service that is not ready answers it (status and delay set on the server)."""

    def do_GET(self) -> None:
        time.sleep(self.server.delay_seconds)  # type: ignore[attr-defined]
        body = json.dumps(
            {
                "type": "https://hospital.example/problems/not-ready",
                "status": 503,
                "detail": "database: connection refused",
                "checks": {"database": {"status": "unavailable", "detail": "connection refused"}},
            }
        ).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def serve_readiness(*, delay_seconds: float) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Readiness)
    server.daemon_threads = True
    server.delay_seconds = delay_seconds  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def system_app(settings: Settings, clock: FixedClock) -> Iterator[Flask]:
    """The app served on a real port (so it can probe its own /readyz), heartbeating fast; Auth-MS is
    down (nothing listens), Patient-MS answers "not ready", Doctor-MS is too slow to answer in time."""
    port = free_port()
    not_ready, too_slow = serve_readiness(delay_seconds=0), serve_readiness(delay_seconds=3)
    system_settings = dataclasses.replace(
        settings,
        bind=f"127.0.0.1:{port}",
        instance_name="appointment-9",
        auth_internal_url=f"http://127.0.0.1:{free_port()}",
        patient_internal_url=f"http://127.0.0.1:{not_ready.server_port}",
        doctor_internal_url=f"http://127.0.0.1:{too_slow.server_port}",
        replica_heartbeat_enabled=True,
        replica_heartbeat_seconds=0.1,
        replica_registry_key=f"test:replicas:{uuid.uuid4().hex[:8]}",
    )
    flask_app = create_app(system_settings)
    start_background_work(flask_app)  # the heartbeat, as gunicorn's worker starts it
    flask_app.extensions["container"].clock = clock
    server = make_server("127.0.0.1", port, flask_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with running_app(flask_app, tables=TABLES) as app:
            yield app
    finally:
        server.shutdown()
        for probed in (not_ready, too_slow):
            probed.shutdown()
            probed.server_close()


@pytest.fixture
def system_client(system_app: Flask) -> FlaskClient:
    return system_app.test_client()


def test_the_page_reports_each_service_ready_or_why_not_within_the_probe_timeout(
    system_client: FlaskClient,
) -> None:
    started = time.monotonic()
    response = system_client.get("/api/v1/system", headers=ADMIN)
    took = time.monotonic() - started
    assert response.status_code == 200, response.json
    assert took < 2.0  # the probes run at once, each for at most a second
    assert response.headers["Cache-Control"] == "no-store"
    services = {s["name"]: s for s in response.json["services"]}
    assert list(services) == ["auth", "patient", "doctor", "appointment"]
    assert services["appointment"]["ready"] is True
    assert services["appointment"]["status_code"] == 200
    assert services["appointment"]["checks"]["database"] == {"status": "ok"}
    assert services["appointment"]["checks"]["projection"]["lag_events"] == 0
    assert services["auth"] == services["auth"] | {"ready": False, "status_code": None}
    assert services["auth"]["detail"].startswith("not reachable")
    assert services["patient"]["ready"] is False
    assert services["patient"]["status_code"] == 503
    assert services["patient"]["detail"] == "database: connection refused"
    assert services["patient"]["checks"]["database"]["status"] == "unavailable"
    assert services["doctor"]["ready"] is False
    assert services["doctor"]["detail"] == "no answer within 1 s"
    assert 900 <= services["doctor"]["response_time_ms"] < 1500
    assert all(s["response_time_ms"] >= 0 for s in services.values())
    assert response.json["all_ready"] is False
    assert response.json["answered_by"] == "appointment-9"


def test_the_replica_announces_itself_with_the_requests_it_answered(system_client: FlaskClient) -> None:
    patient = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)
    for _ in range(5):
        assert system_client.get("/api/v1/appointments", headers=patient).status_code == 200
    for _ in range(3):
        assert system_client.get("/healthz").status_code == 200  # probes are not load

    def replicas() -> list[dict[str, Any]]:
        return system_client.get("/api/v1/system", headers=ADMIN).json["replicas"]["items"]

    # The page's own requests count too, so wait for at least the five, then look at that heartbeat.
    assert wait_for(lambda: any(r["requests_last_minute"] >= 5 for r in replicas()))
    report = system_client.get("/api/v1/system", headers=ADMIN).json["replicas"]
    assert report["count"] == 1
    assert report["window_seconds"] == 60
    (replica,) = report["items"]
    assert replica["name"] == "appointment-9"
    assert replica["address"].startswith("127.0.0.1:")
    assert replica["workers"] == 1
    assert replica["requests_per_second"] > 0
    assert 0 < replica["latency_p50_ms"] <= replica["latency_p95_ms"]
    assert datetime.fromisoformat(replica["started_at"]) <= datetime.fromisoformat(replica["last_seen_at"])


def test_bookings_today_count_what_was_booked_today_and_what_starts_today(
    system_app: Flask, system_client: FlaskClient, add_doctor: Any, clock: FixedClock
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    patient = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)

    def book(start: datetime, path: str = "/api/v1/appointments") -> dict[str, Any]:
        body = {"doctor_id": snapshot["doctor_id"], "start": start.isoformat()}
        response = system_client.post(path, json=body, headers=patient)
        assert response.status_code == 201, response.json
        return response.json

    cancelled = book(MONDAY + timedelta(hours=1))
    system_client.post(f"/api/v1/appointments/{cancelled['id']}/cancel", json={}, headers=patient)
    book(MONDAY + timedelta(hours=2), "/api/v1/appointments/holds")  # not confirmed: no booking
    moved = book(MONDAY + timedelta(hours=3))
    response = system_client.post(
        f"/api/v1/appointments/{moved['id']}/reschedule",
        json={"start": (MONDAY + timedelta(hours=4)).isoformat()},
        headers=patient,
    )
    assert response.status_code == 200, response.json

    bookings = system_client.get("/api/v1/system", headers=ADMIN).json["bookings_today"]
    assert bookings["day"] == "2027-03-01"  # the service's clock
    assert (bookings["from"], bookings["to"]) == ("2027-03-01T00:00:00+00:00", "2027-03-02T00:00:00+00:00")
    assert bookings["starting_today"] == 1  # only the rescheduled appointment is still on the agenda
    assert bookings["detail"] is None

    # The database stamps created_at with its own time, so count the real today's bookings directly: the
    # cancelled booking and the rescheduled one (once, not again for its new half); not the hold.
    container = system_app.extensions["container"]
    start, end = utc_day(datetime.now(UTC))
    with container.uow() as uow:
        assert uow.appointments.booking_counts(start=start, end=end).created == 2


def test_only_admins_see_the_page(system_client: FlaskClient) -> None:
    for role in ("patient", "doctor"):
        refused = system_client.get(
            "/api/v1/system", headers=identity_headers(uuid.uuid4(), role, INTERNAL_TOKEN)
        )
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
    anonymous = system_client.get("/api/v1/system", headers={"X-Internal-Token": INTERNAL_TOKEN})
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"


def test_the_page_is_documented_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers={"X-Internal-Token": INTERNAL_TOKEN}).json
    operation = spec["paths"]["/api/v1/system"]["get"]
    assert operation["summary"].startswith("The platform at a glance")
    assert {"200", "401", "403"} <= set(operation["responses"])
    schema = spec["components"]["schemas"]["SystemStatus"]
    assert {"services", "replicas", "bookings_today"} <= set(schema["properties"])
    bookings = spec["components"]["schemas"]["BookingsToday"]["properties"]
    assert "UTC" in bookings["day"]["description"]
    assert {"created_today", "starting_today"} <= set(bookings)
