"""`make bench`: latency and throughput of the main read and write paths, through the real gateway.

It starts its own stack on free ports (as the e2e tests do, with the demo hospital seeded), signs in the demo
accounts, then drives each scenario with a bounded number of concurrent keep-alive clients for a bounded time
and prints requests/s and latency percentiles. Loopback only; every loop stops by itself.

    .venv/bin/python -m tests.load.bench [--seconds 8] [--clients 8]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import PrivateRedis, StackUnderTest

DEMO_PASSWORD = "demo-password-1"


@dataclass
class Result:
    name: str
    latencies: list[float]
    errors: int
    seconds: float

    def line(self) -> str:
        ordered = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        rate = len(self.latencies) / self.seconds
        return (
            f"{self.name:<44} {rate:8.1f} req/s  p50 {pct(0.50):7.1f} ms  p95 {pct(0.95):7.1f} ms  "
            f"p99 {pct(0.99):7.1f} ms  mean {statistics.fmean(ordered) * 1000:7.1f} ms  errors {self.errors}"
        )


def drive(name: str, call: Callable[[requests.Session], requests.Response], *, clients: int, seconds: float,
          make_session: Callable[[], requests.Session]) -> Result:  # fmt: skip
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        session = make_session()
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = call(session)
            elapsed = time.perf_counter() - started
            if response.status_code >= 400:
                failed += 1
            else:
                mine.append(elapsed)
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, latencies, errors, time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per scenario")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="hospital-bench-"))
    (root / "redis").mkdir()
    redis = PrivateRedis(root / "redis")
    redis.start()
    stack = StackUnderTest(directory=root / "state", redis=redis)
    # Every client here shares 127.0.0.1, so the gateway's per-address flood limit is lifted: the bench
    # measures the services and the gateway's proxying, not the limiter.
    stack.env |= {
        "SEED_DEMO": "1",
        "APPOINTMENT_REPLICAS": "2",
        "WEB_CONCURRENCY": "2",
        "GATEWAY_API_RATE": "100000r/s",
    }
    try:
        stack.run("up")
        url = stack.url
        patient = BrowserSession(url).login("patient@demo.hospital.test", DEMO_PASSWORD)
        doctor = BrowserSession(url).login("doctor@demo.hospital.test", DEMO_PASSWORD)
        week = doctor.get("/api/v1/doctors/me/schedule").json()
        week = {k: v for k, v in week.items() if k not in {"version", "doctor_id", "etag"}}

        def anonymous() -> requests.Session:
            return requests.Session()

        def as_patient() -> requests.Session:
            return patient.http

        def as_doctor() -> requests.Session:
            return doctor.http

        def replace_week(session: requests.Session) -> requests.Response:
            etag = session.get(url + "/api/v1/doctors/me/schedule", timeout=10).headers["ETag"]
            headers = {"If-Match": etag, "X-CSRF-Token": doctor.csrf_token}
            return session.put(url + "/api/v1/doctors/me/schedule", json=week, headers=headers, timeout=10)

        scenarios = [
            ("GET /api/v1/appointments/healthz (gateway only)", anonymous,
             lambda s: s.get(url + "/api/v1/appointments/healthz", timeout=10), args.clients),
            ("GET /api/v1/doctors?specialization=cardiology", anonymous,
             lambda s: s.get(url + "/api/v1/doctors?specialization=cardiology", timeout=10), args.clients),
            ("GET /api/v1/doctors?q=kim (name search)", anonymous,
             lambda s: s.get(url + "/api/v1/doctors?q=kim", timeout=10), args.clients),
            ("GET /api/v1/auth/me (session check + Auth-MS)", as_patient,
             lambda s: s.get(url + "/api/v1/auth/me", timeout=10), args.clients),
            ("GET /api/v1/patients/me (auth_request + Patient-MS)", as_patient,
             lambda s: s.get(url + "/api/v1/patients/me", timeout=10), args.clients),
            ("GET + PUT /api/v1/doctors/me/schedule (1 editor)", as_doctor, replace_week, 1),
        ]  # fmt: skip
        print(
            f"clients {args.clients}, {args.seconds:.0f} s per scenario, gateway {url}, 2 workers per service"
        )
        for name, session_factory, call, clients in scenarios:
            result = drive(name, call, clients=clients, seconds=args.seconds, make_session=session_factory)
            print(result.line(), flush=True)
    finally:
        stack.run("down", "--drop-databases", check=False)
        redis.stop()


if __name__ == "__main__":
    main()
