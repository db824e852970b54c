"""Issue 2's platform promises, checked through a real nginx gateway in front of real services."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.browser import BrowserSession
from tests.e2e.openapi_validation import validated_session
from tests.e2e.stack import StackUnderTest, port_is_open

pytestmark = pytest.mark.e2e

AREAS = ["auth", "patients", "doctors", "appointments"]


@pytest.mark.parametrize("area", AREAS)
def test_every_service_is_healthy_through_the_gateway(stack: StackUnderTest, area: str) -> None:
    response = stack.get(f"/api/v1/{area}/healthz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("area", AREAS)
def test_every_service_is_ready_with_database_redis_and_migrations(stack: StackUnderTest, area: str) -> None:
    response = stack.get(f"/api/v1/{area}/readyz")
    assert response.status_code == 200, response.text
    checks = response.json()["checks"]
    assert checks["database"] == {"status": "ok"}
    assert checks["redis"] == {"status": "ok"}
    assert checks["migrations"] == {"status": "ok"}


@pytest.mark.parametrize("area", AREAS)
def test_every_service_publishes_its_openapi_through_the_gateway(stack: StackUnderTest, area: str) -> None:
    response = stack.get(f"/api/v1/{area}/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_a_protected_location_without_a_session_gets_401_problem_json_from_the_gateway(
    stack: StackUnderTest,
) -> None:
    response = stack.get("/api/v1/appointments/")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Authentication required"
    assert "X-Served-By" not in response.headers  # the gateway answered; no service saw the request


def test_a_forged_identity_header_does_not_get_past_the_gateway(stack: StackUnderTest) -> None:
    forged = {"X-User-Id": "00000000-0000-0000-0000-000000000001", "X-User-Role": "admin"}
    response = stack.get("/api/v1/appointments/", headers=forged)
    assert response.status_code == 401
    # On a public location the request does reach a service, which must not see the forged identity.
    me = stack.get("/api/v1/doctors/me", headers=forged | {"X-Internal-Token": "forged"})
    assert me.status_code == 401, me.text
    assert me.headers.get("X-Served-By") == "doctor"


def _verify_requests_counted(stack: StackUnderTest) -> float:
    """How many auth_request subrequests Auth-MS has answered, over every worker and status."""
    metrics = requests.get(f"http://127.0.0.1:{stack.ports['auth']}/metrics", timeout=5).text
    sample = 'http_requests_total{method="GET",route="/internal/verify",service="auth",'
    return sum(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith(sample))


def test_a_public_read_without_any_credential_is_not_sent_to_auth_ms(stack: StackUnderTest) -> None:
    before = _verify_requests_counted(stack)

    reads = [stack.get("/api/v1/doctors?specialization=cardiology") for _ in range(5)]
    reads += [
        stack.get("/api/v1/doctors/specializations"),
        stack.get("/api/v1/slots?specialization=cardiology"),
    ]
    head = requests.head(stack.url + "/api/v1/doctors?specialization=cardiology", timeout=10)

    assert [r.status_code for r in reads[:6]] == [200] * 6
    assert reads[-1].headers.get("X-Served-By", "").startswith("appointment")  # it reached the service
    assert head.status_code == 200 and head.headers["X-Request-ID"]
    assert _verify_requests_counted(stack) == before
    # the gateway's own answers still work on the shortcut: problem+json, request ids
    assert reads[0].headers["X-Request-ID"] and reads[0].headers["X-Content-Type-Options"] == "nosniff"


def test_a_forged_identity_on_a_credential_free_read_never_reaches_the_service(stack: StackUnderTest) -> None:
    forged = {
        "X-User-Id": "00000000-0000-0000-0000-000000000002",
        "X-User-Role": "doctor",
        "X-Internal-Token": "forged",
    }
    before = _verify_requests_counted(stack)

    me = stack.get("/api/v1/doctors/me", headers=forged)
    head = requests.head(stack.url + "/api/v1/doctors/me", headers=forged, timeout=10)

    # with the forged identity, Doctor-MS would have said 404 (a doctor without a profile)
    assert me.status_code == 401, me.text
    assert me.headers.get("X-Served-By") == "doctor"
    assert head.status_code == 401
    assert _verify_requests_counted(stack) == before


def test_a_read_with_a_cookie_or_a_bearer_key_is_still_verified_by_auth_ms(stack: StackUnderTest) -> None:
    browser = BrowserSession(stack.url).register(
        f"reader-{uuid.uuid4().hex[:8]}@example.org", "a long enough password", "Rita Reader"
    )
    before = _verify_requests_counted(stack)

    signed_in = browser.get("/api/v1/doctors/me")
    bogus_cookie = stack.get("/api/v1/doctors/me", headers={"Cookie": "hospital_session=not-a-session"})
    bearer = stack.get("/api/v1/doctors?specialization=cardiology", headers={"Authorization": "Bearer nope"})
    write = validated_session(stack.url).post(stack.url + "/api/v1/doctors/", json={}, timeout=10)

    assert signed_in.status_code == 403, signed_in.text  # Doctor-MS saw the patient's identity
    assert bogus_cookie.status_code == 401
    assert bearer.status_code in (200, 401)
    assert write.status_code in (401, 403)
    assert _verify_requests_counted(stack) == before + 4


def test_a_service_port_without_the_internal_token_answers_401(stack: StackUnderTest) -> None:
    for name in ("auth", "patient", "doctor"):
        response = requests.get(f"http://127.0.0.1:{stack.ports[name]}/openapi.json", timeout=5)
        assert response.status_code == 401, name
        assert response.headers["Content-Type"] == "application/problem+json"
    appointment = f"http://127.0.0.1:{stack.replica_port(1)}"
    # Checked against the spec too: the replica's 401 is the one the gateway passes on.
    checked = validated_session(stack.url)
    assert checked.get(appointment + "/api/v1/appointments/", timeout=5).status_code == 401
    assert requests.get(appointment + "/healthz", timeout=5).status_code == 200
    assert requests.get(appointment + "/metrics", timeout=5).status_code == 200


def _log(stack: StackUnderTest, name: str) -> str:
    path = stack.directory / "logs" / name
    return path.read_text() if path.exists() else ""


def _eventually(check: Callable[[], bool], *, within: float = 3.0) -> bool:
    """Whether `check()` becomes true within `within` seconds (nginx writes its log line after answering)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_gateway_generates_and_forwards_a_request_id(stack: StackUnderTest) -> None:
    generated = stack.get("/api/v1/appointments/healthz")
    assert len(generated.headers["X-Request-ID"]) == 32
    given = stack.get("/api/v1/appointments/healthz", headers={"X-Request-ID": "trace-me-123"})
    assert given.headers["X-Request-ID"] == "trace-me-123"
    assert _eventually(
        lambda: (
            '"request_id": "trace-me-123"' in _log(stack, "appointment-1.log")
            or "trace-me-123" in _log(stack, "nginx-access.log")
        )
    )


def test_unknown_api_paths_and_oversized_bodies_get_problem_json(stack: StackUnderTest) -> None:
    missing = stack.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    big = validated_session(stack.url).post(
        stack.url + "/api/v1/auth/login", data=b"x" * (2 * 1024 * 1024), timeout=10
    )
    assert big.status_code == 413
    assert big.json()["status"] == 413


def test_the_web_app_is_served_at_every_client_route_with_a_strict_policy(stack: StackUnderTest) -> None:
    response = stack.get("/some/client/route")
    assert response.status_code == 200
    assert "<html" in response.text.lower()
    assert response.headers["Cache-Control"] == "no-cache"  # a new build reaches everyone at once
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', response.text)
    for asset in assets:  # none when the placeholder is served (no build); the SPA has its bundle
        cached = stack.get(asset)
        assert cached.status_code == 200
        assert "immutable" in cached.headers["Cache-Control"]
    assert stack.get("/assets/no-such-file.js").status_code == 404  # not the SPA's index.html


def _openapi_requests_counted(stack: StackUnderTest) -> float:
    metrics = requests.get(f"http://127.0.0.1:{stack.replica_port(1)}/metrics", timeout=5).text
    sample = 'http_requests_total{method="GET",route="/openapi.json",service="appointment",status="200"}'
    return sum(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith(sample))


def test_metrics_count_every_request_across_gunicorn_workers(stack: StackUnderTest) -> None:
    before = _openapi_requests_counted(stack)
    for _ in range(10):
        assert stack.get("/api/v1/appointments/openapi.json").status_code == 200
    assert _openapi_requests_counted(stack) == before + 10


def test_swagger_ui_is_served_from_local_files_at_api_docs(stack: StackUnderTest) -> None:
    page = stack.get("/api/docs/")
    assert page.status_code == 200 and "swagger-ui" in page.text
    bundle = stack.get("/api/docs/vendor/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert bundle.headers["Content-Type"] == "application/javascript"
    assert "/api/v1/doctors/openapi.json" in stack.get("/api/docs/init.js").text


def test_a_burst_of_sign_in_attempts_from_one_address_is_slowed_by_the_gateway(stack: StackUnderTest) -> None:
    def attempt(number: int) -> requests.Response:
        return validated_session(stack.url).post(
            stack.url + "/api/v1/auth/login",
            json={"email": f"nobody{number}@example.org", "password": "not-a-real-password"},
            timeout=30,
        )

    with ThreadPoolExecutor(max_workers=40) as pool:
        responses = list(pool.map(attempt, range(40)))

    statuses = sorted(response.status_code for response in responses)
    assert set(statuses) == {401, 429}, statuses
    assert statuses.count(401) <= 30  # the burst (20) plus at most 10 r/s refilled while the 40 arrive
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "too many requests from your address" in refused.json()["detail"]
    # Reading one's own account is not a credential endpoint: it stays available at once.
    assert stack.get("/api/v1/auth/me").status_code == 401


def test_scaling_appointment_replicas_adds_and_removes_them_without_failed_requests(
    stack: StackUnderTest,
) -> None:
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                response = stack.get("/api/v1/appointments/healthz")
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:100]}")
            except requests.RequestException as error:
                failures.append(str(error))

    first_pid = stack.program_pids()["appointment-1"]
    load = threading.Thread(target=keep_asking)
    load.start()
    try:
        stack.run("scale", "3")
        served_by = {stack.get("/api/v1/appointments/healthz").headers["X-Served-By"] for _ in range(12)}
        assert served_by == {"appointment-1", "appointment-2", "appointment-3"}
        stack.run("scale", "1")
    finally:
        stop.set()
        load.join()

    pids = stack.program_pids()
    assert pids["appointment-1"] == first_pid  # the replica that stayed was not restarted
    assert "appointment-2" not in pids and "appointment-3" not in pids
    assert not port_is_open(stack.replica_port(2)) and not port_is_open(stack.replica_port(3))
    assert {stack.get("/api/v1/appointments/healthz").headers["X-Served-By"] for _ in range(4)} == {
        "appointment-1"
    }
    assert failures == []


def test_readiness_follows_redis_down_and_back_without_crashing(stack: StackUnderTest) -> None:
    pids_before = stack.program_pids()
    stack.redis.stop()
    try:
        for area in ("auth", "appointments"):
            response = stack.get(f"/api/v1/{area}/readyz")
            assert response.status_code == 503, (area, response.text)
            assert response.json()["checks"]["redis"]["status"] == "unavailable"
            assert response.json()["checks"]["database"] == {"status": "ok"}
            assert stack.get(f"/api/v1/{area}/healthz").status_code == 200
    finally:
        stack.redis.start()
    for area in AREAS:
        assert stack.get(f"/api/v1/{area}/readyz").status_code == 200, area
    assert stack.program_pids() == pids_before  # nothing crashed or restarted


def test_down_leaves_no_process_and_no_port_of_ours(stack: StackUnderTest) -> None:
    stack.run("down")
    supervisord_pidfile = stack.directory / "run" / "supervisord.pid"
    assert not supervisord_pidfile.exists()
    open_ports = [port for port in stack.all_ports() if port_is_open(port)]
    assert open_ports == []
    leftover = subprocess_lines(["pgrep", "-f", str(stack.directory)])
    assert leftover == []


def subprocess_lines(command: list[str]) -> list[str]:
    import subprocess

    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return [line for line in result.stdout.splitlines() if line.strip()]
