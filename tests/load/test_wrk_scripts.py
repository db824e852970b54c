"""The bench's wrk scripts, run for real against a tiny local server that records what it was sent."""

from __future__ import annotations

import itertools
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.load.booking_plan import FreeSlot, Patient, PatientCalendar, assign, write_plan
from tests.load.wrk_runner import run_wrk, threads_for

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by make bench-deps")


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict] = []
    lock = threading.Lock()

    def _answer(self, status: int, served_by: str) -> None:
        self.send_response(status)
        self.send_header("X-Served-By", served_by)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:
        self._answer(503 if self.path.endswith("/fail") else 200, "appointment-1")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.seen.append({**{k.lower(): v for k, v in self.headers.items()}, "body": json.loads(body)})
        self._answer(201, "appointment-2")

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # wrk drops its connections mid-request when its time is up


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.seen = []
    httpd = QuietServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_get_script_counts_answers_by_status_and_replica(server: str) -> None:
    result = run_wrk("fail", server + "/fail", connections=2, seconds=1)
    assert result.requests > 0 and result.statuses == {503: result.requests}
    assert result.server_errors == result.non_2xx == result.requests
    assert result.served_by == {"appointment-1": result.requests}
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def test_each_planned_booking_is_sent_once_with_its_session_and_a_key_of_its_own(
    server: str, tmp_path: Path
) -> None:
    patients = [Patient(f"p{i}@x.test", f"hospital_session=secret{i}", f"csrf{i}") for i in range(3)]
    start = datetime(2026, 12, 7, 8, tzinfo=UTC)
    slots = [
        FreeSlot(
            f"doctor-{i % 4}", start + timedelta(minutes=20 * i), start + timedelta(minutes=20 * i + 30), "x"
        )
        for i in range(40)
    ]
    plan = assign(slots, [PatientCalendar(p) for p in patients])
    write_plan(tmp_path / "plan.tsv", plan)
    result = run_wrk(
        "book", server, connections=2, seconds=1, script="book.lua",
        script_args=[str(tmp_path / "plan.tsv"), str(threads_for(2)), "run1", server],
    )  # fmt: skip
    assert result.statuses[201] == len(plan) == len(Recorder.seen) == len(slots)
    assert result.counters["exhausted"] > 0  # after the plan, only filler GETs
    sent = {(r["body"]["doctor_id"], r["body"]["start"]): r for r in Recorder.seen}
    assert len(sent) == len(plan)
    assert len({r["idempotency-key"] for r in Recorder.seen}) == len(plan)
    for patient, slot in plan:
        request = sent[(slot.doctor_id, slot.body()["start"])]
        assert (request["cookie"], request["x-csrf-token"]) == (patient.cookie_header, patient.csrf_token)
        assert request["origin"] == server and request["body"]["appointment_type"] == "x"


def test_no_patient_is_given_two_overlapping_slots() -> None:
    patients = [Patient(f"p{i}@x.test", "", "") for i in range(5)]
    start = datetime(2026, 12, 7, 8, tzinfo=UTC)
    # Ten doctors all free at the same three times: at most one of each time per patient.
    slots = [
        FreeSlot(f"doctor-{d}", start + timedelta(hours=h), start + timedelta(hours=h, minutes=45), None)
        for d in range(10)
        for h in range(3)
    ]
    plan = assign(slots, [PatientCalendar(p) for p in patients])
    assert len(plan) == 15
    by_patient: dict[str, list[FreeSlot]] = {}
    for patient, slot in plan:
        by_patient.setdefault(patient.email, []).append(slot)
    for held in by_patient.values():
        held.sort(key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(held))
    assert {s.body()["duration_minutes"] for _, s in plan} == {45}
