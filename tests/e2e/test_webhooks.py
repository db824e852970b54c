"""Webhooks through the real gateway and stack, delivered to real HTTPS receivers on loopback (certificates
from a test CA the stack trusts through WEBHOOK_CA_BUNDLE): a booking arrives signed within 2 s; a receiver
that is down gets it once it is back; a receiver that never answers slows neither bookings nor the others.

`pytest -s` shows the booking latency medians with and without the hanging receiver registered."""

from __future__ import annotations

import hashlib
import hmac
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from services.appointment.tests.webhook_receiver import HangingReceiver, HttpsReceiver, ReceiverCertificates
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BOOKINGS_MEASURED = 20


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> ReceiverCertificates:
    return ReceiverCertificates(Path(tmp_path_factory.mktemp("webhook-ca")))


@pytest.fixture(scope="module")
def stack_env(certificates: ReceiverCertificates) -> dict[str, str]:
    """The test CA, and shorter timeouts and backoff, so a down receiver is retried within seconds."""
    return {
        "WEBHOOK_CA_BUNDLE": str(certificates.ca_file),
        "WEBHOOK_CONNECT_TIMEOUT_SECONDS": "2",
        "WEBHOOK_READ_TIMEOUT_SECONDS": "3",
        "WEBHOOK_RETRY_FIRST_SECONDS": "1",
        "WEBHOOK_RETRY_MAX_SECONDS": "2",
    }


def verify(secret: str, header: str, raw_body: bytes, tolerance_s: int = 300) -> bool:
    """The verification recipe of services/appointment/WEBHOOKS.md, as an integrator would write it."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    timestamp = int(parts.get("t", "0"))
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


@pytest.fixture(scope="module")
def hospital(stack: StackUnderTest) -> dict[str, Any]:
    """An admin, a doctor working around the clock in 30-minute slots, a patient, and the free starts."""
    admin_email = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", admin_email, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_email, PASSWORD)
    account = admin.post(
        "/api/v1/auth/users",
        json={
            "email": f"doctor.{uuid.uuid4().hex[:6]}@example.org",
            "full_name": "Dr. Hook Weber",
            "role": "doctor",
        },
    )
    assert account.status_code == 201, account.text
    created = admin.post(
        "/api/v1/doctors",
        json={"user_id": account.json()["id"], "full_name": "Dr. Hook Weber",
              "specializations": ["cardiology"], "time_zone": "Europe/Berlin", "languages": ["en"]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    doctor_id = created.json()["id"]
    schedule = {
        "time_zone": "Europe/Berlin", "slot_step_minutes": 30, "buffer_minutes": 0,
        "minimum_notice_minutes": 0,
        "booking_horizon_days": 60, "weekly": {day: [{"start": "00:00", "end": "23:30"}] for day in WEEKDAYS},
        "appointment_types": [{"code": "cardiology", "name": "Visit", "duration_minutes": 30}],
    }  # fmt: skip
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    put = admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=schedule, headers={"If-Match": etag})
    assert put.status_code == 200, put.text
    patient = BrowserSession(stack.url).register(
        f"hooks.{uuid.uuid4().hex[:6]}@example.org", PASSWORD, "Pat Hook"
    )
    deadline = time.monotonic() + 15
    while (slots := stack.get(f"/api/v1/slots?doctor_id={doctor_id}&limit=100")).json().get(
        "items", []
    ) == []:
        assert time.monotonic() < deadline, "the doctor's slots never appeared"
        time.sleep(0.1)
    starts = [slot["start"] for slot in slots.json()["items"]]
    return {"admin": admin, "patient": patient, "doctor_id": doctor_id, "starts": starts}


def book(hospital: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Book the next free start; returns the appointment and how long the booking took (seconds)."""
    start = hospital["starts"].pop(0)
    began = time.perf_counter()
    answer = hospital["patient"].post(
        "/api/v1/appointments", json={"doctor_id": hospital["doctor_id"], "start": start},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    took = time.perf_counter() - began
    assert answer.status_code == 201, answer.text
    return answer.json(), took


def register(hospital: dict[str, Any], url: str) -> dict[str, Any]:
    answer = hospital["admin"].post(
        "/api/v1/webhooks", json={"url": url, "event_types": ["appointment.booked"], "description": "e2e"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def deliveries(hospital: dict[str, Any], endpoint_id: str) -> list[dict[str, Any]]:
    answer = hospital["admin"].get(f"/api/v1/webhooks/{endpoint_id}/deliveries")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def for_appointment(receiver: HttpsReceiver, appointment_id: str, *, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for got in receiver.received:
            if json.loads(got.body)["data"]["appointment_id"] == appointment_id:
                return got
        time.sleep(0.02)
    raise AssertionError(f"no webhook for {appointment_id} within {timeout}s")


def test_only_an_admin_session_reaches_the_webhook_api(
    stack: StackUnderTest, hospital: dict[str, Any]
) -> None:
    assert stack.get("/api/v1/webhooks").status_code == 401
    assert hospital["patient"].get("/api/v1/webhooks").status_code == 403
    assert hospital["admin"].post("/api/v1/webhooks", json={
        "url": "http://127.0.0.1:9/x", "event_types": ["appointment.booked"]}).status_code == 422  # fmt: skip


def test_a_booking_reaches_the_receiver_signed_within_two_seconds(
    hospital: dict[str, Any], certificates: ReceiverCertificates
) -> None:
    receiver = HttpsReceiver(certificates).start()
    try:
        endpoint = register(hospital, receiver.url)
        booked_at = time.time()
        appointment, _ = book(hospital)
        got = for_appointment(receiver, appointment["id"], timeout=5)
        print(f"\nwebhook arrived {got.at - booked_at:.3f} s after the booking was sent")
        assert got.at - booked_at < 2.0
        assert verify(endpoint["secret"], got.headers["Hospital-Signature"], got.body)
        assert not verify(endpoint["secret"], got.headers["Hospital-Signature"], got.body + b" ")
        body = json.loads(got.body)
        assert set(body) == {"id", "type", "created_at", "data"} and body["type"] == "appointment.booked"
        assert got.headers["Hospital-Event-Id"] == body["id"]
        deadline = time.monotonic() + 5
        while (listed := deliveries(hospital, endpoint["id"]))[0]["status"] != "delivered":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert listed[0]["id"] == got.headers["Hospital-Delivery-Id"]
        assert listed[0]["last_status_code"] == 204 and listed[0]["attempts"] == 1
    finally:
        receiver.stop()
        hospital["admin"].delete(f"/api/v1/webhooks/{endpoint['id']}")


def test_a_receiver_that_was_down_gets_the_delivery_once_it_is_back(
    hospital: dict[str, Any], certificates: ReceiverCertificates
) -> None:
    receiver = HttpsReceiver(certificates)  # not started: nothing listens on its port
    endpoint = register(hospital, receiver.url)
    try:
        appointment, _ = book(hospital)
        time.sleep(6)  # down for a while: the delivery fails and waits
        failing = deliveries(hospital, endpoint["id"])[0]
        assert failing["status"] == "pending" and failing["attempts"] >= 1, failing
        assert failing["last_status_code"] is None and failing["last_error"], failing
        receiver.start()
        back_at = time.time()
        got = for_appointment(receiver, appointment["id"], timeout=10)
        tries = failing["attempts"]
        print(f"\ndelivered {got.at - back_at:.3f} s after the receiver came back ({tries} failed tries)")
        assert verify(endpoint["secret"], got.headers["Hospital-Signature"], got.body)
    finally:
        receiver.stop()
        hospital["admin"].delete(f"/api/v1/webhooks/{endpoint['id']}")


def test_a_receiver_that_never_answers_slows_no_booking_and_no_other_receiver(
    hospital: dict[str, Any], certificates: ReceiverCertificates
) -> None:
    healthy = HttpsReceiver(certificates).start()
    hanging = HangingReceiver()
    try:
        healthy_endpoint = register(hospital, healthy.url)
        book(hospital)  # warm up
        without = [book(hospital)[1] for _ in range(BOOKINGS_MEASURED)]
        hanging_endpoint = register(hospital, hanging.url)
        with_hanging = [book(hospital)[1] for _ in range(BOOKINGS_MEASURED)]
        booked_at = time.time()
        last, _ = book(hospital)
        got = for_appointment(healthy, last["id"], timeout=5)
        base, hung = statistics.median(without), statistics.median(with_hanging)
        print(f"\nbooking latency median: {base * 1000:.1f} ms without, {hung * 1000:.1f} ms with a hanging "
              f"receiver registered ({BOOKINGS_MEASURED} bookings each)")  # fmt: skip
        assert hung <= max(2 * base, base + 0.05)
        assert got.at - booked_at < 2.0  # the healthy receiver is not held up behind the hanging one
        deadline = time.monotonic() + 15
        while not any(
            (d["last_error"] or "").startswith("timeout")
            for d in deliveries(hospital, hanging_endpoint["id"])
        ):
            assert time.monotonic() < deadline, "the hanging receiver's delivery shows no timeout"
            time.sleep(0.5)
        shown = deliveries(hospital, hanging_endpoint["id"])
        assert all(d["status"] == "pending" and d["delivered_at"] is None for d in shown)
        assert all(d["status"] == "delivered" for d in deliveries(hospital, healthy_endpoint["id"])[1:])
    finally:
        hanging.stop()
        healthy.stop()
