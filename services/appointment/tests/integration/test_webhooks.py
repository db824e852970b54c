"""Webhooks against the real PostgreSQL and real HTTPS receivers on loopback (certificates from a test CA):
the admin API and who may use it, SSRF refusals, events written with the booking, signed deliveries, a
hanging endpoint that delays no other one, retries with backoff and giving up."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from appointment_service.adapters.postgres.models import WebhookDeliveryRow, WebhookEventRow
from appointment_service.config import Settings
from appointment_service.domain.webhooks import signature_is_valid
from appointment_service.service_layer.webhook_dispatch import WebhookDispatcher
from hospital_shared.clock import SystemClock
from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN

from ..builders import doctor_snapshot
from ..webhook_receiver import HangingReceiver, ReceiverCertificates, https_receiver

ADMIN = identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)
FIRST = "2027-03-01T07:15:00Z"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> ReceiverCertificates:
    return ReceiverCertificates(Path(tmp_path_factory.mktemp("webhook-ca")))


@pytest.fixture
def settings(settings: Settings, certificates: ReceiverCertificates) -> Settings:
    return replace(
        settings, webhook_allow_private_targets=True, webhook_ca_bundle=str(certificates.ca_file),
        webhook_read_timeout_seconds=1.0, webhook_connect_timeout_seconds=1.0,
        webhook_retry_first_seconds=0.2, webhook_retry_max_seconds=0.5,
    )  # fmt: skip


@pytest.fixture
def dispatcher(app: Flask) -> Iterator[WebhookDispatcher]:
    made = app.extensions["container"].webhook_dispatcher()
    made.clock = SystemClock()  # the app's clock is frozen for slot times; deliveries run on real time
    yield made
    made.close()


def register(client: FlaskClient, url: str, *types: str, headers: dict[str, str] = ADMIN) -> Any:
    body = {"url": url, "event_types": list(types or ["appointment.booked"]), "description": "test"}
    return client.post("/api/v1/webhooks", json=body, headers=headers)


def book(client: FlaskClient, doctor_id: str, start: str = FIRST) -> Any:
    headers = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)
    answer = client.post(
        "/api/v1/appointments", json={"doctor_id": doctor_id, "start": start}, headers=headers
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def run_until(dispatcher: WebhookDispatcher, done: Any, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the dispatcher did not get there in time"
        dispatcher.publish_pending()
        time.sleep(0.05)


def deliveries(client: FlaskClient, endpoint_id: str, **query: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", query_string=query, headers=ADMIN)
    assert answer.status_code == 200, answer.json
    return answer.json["items"]


def test_only_admins_manage_webhook_endpoints(client: FlaskClient) -> None:
    url = "https://127.0.0.1:9/hooks"
    for role in ("patient", "doctor"):
        headers = identity_headers(uuid.uuid4(), role, INTERNAL_TOKEN)
        assert register(client, url, headers=headers).status_code == 403
        assert client.get("/api/v1/webhooks", headers=headers).status_code == 403
    assert client.get("/api/v1/webhooks", headers={"X-Internal-Token": INTERNAL_TOKEN}).status_code == 401


def test_an_endpoint_is_registered_listed_changed_rotated_and_deleted(client: FlaskClient) -> None:
    created = register(client, "https://127.0.0.1:9/hooks", "appointment.booked", "doctor.schedule_changed")
    assert created.status_code == 201, created.json
    endpoint = created.json
    assert endpoint["secret"].startswith("whsec_") and endpoint["active"] is True
    assert endpoint["event_types"] == ["appointment.booked", "doctor.schedule_changed"]
    listed = client.get("/api/v1/webhooks", headers=ADMIN).json
    assert listed["total"] == 1 and "secret" not in listed["items"][0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=ADMIN).json
    changed = client.patch(
        f"/api/v1/webhooks/{endpoint['id']}",
        json={"active": False, "event_types": ["appointment.cancelled"]},
        headers=ADMIN,
    )
    assert changed.status_code == 200 and changed.json["active"] is False
    assert changed.json["event_types"] == ["appointment.cancelled"]
    rotated = client.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=ADMIN).json
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != endpoint["secret"]
    assert client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=ADMIN).status_code == 204
    assert client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=ADMIN).status_code == 404


@pytest.mark.parametrize(
    ("url", "types"),
    [
        ("http://127.0.0.1:9/hooks", ["appointment.booked"]),  # not https
        ("https://user:pw@127.0.0.1:9/hooks", ["appointment.booked"]),  # credentials in the URL
        ("https://127.0.0.1:9/hooks", ["appointment.deleted"]),  # no such event type
        ("https://127.0.0.1:9/hooks", []),  # no event type at all
        ("https://host.invalid/hooks", ["appointment.booked"]),  # does not resolve
    ],
)
def test_a_bad_endpoint_is_a_422_and_nothing_is_stored(
    client: FlaskClient, url: str, types: list[str]
) -> None:
    answer = client.post("/api/v1/webhooks", json={"url": url, "event_types": types}, headers=ADMIN)
    assert answer.status_code == 422, answer.json
    assert client.get("/api/v1/webhooks", headers=ADMIN).json["total"] == 0


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hooks", "https://localhost/x", "https://10.1.2.3/x", "https://[::1]/x",
            "https://169.254.169.254/latest"],
)  # fmt: skip
def test_private_and_loopback_targets_are_refused_unless_allowed(
    app: Flask, client: FlaskClient, url: str
) -> None:
    container = app.extensions["container"]
    container.settings = replace(container.settings, webhook_allow_private_targets=False)
    answer = client.post(
        "/api/v1/webhooks", json={"url": url, "event_types": ["appointment.booked"]}, headers=ADMIN
    )
    assert answer.status_code == 422, answer.json
    assert "private" in answer.json["errors"]["url"][0]


def test_a_booking_is_delivered_signed_to_the_endpoint_and_its_outcome_listed(
    client: FlaskClient, add_doctor: Any, certificates: ReceiverCertificates, dispatcher: WebhookDispatcher
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    with https_receiver(certificates) as receiver:
        endpoint = register(client, receiver.url, "appointment.booked", "appointment.cancelled").json
        booked = book(client, snapshot["doctor_id"])
        run_until(dispatcher, lambda: len(receiver.received) >= 1)
        got = receiver.received[0]
        assert signature_is_valid(
            endpoint["secret"], got.headers["Hospital-Signature"], got.body, now=datetime.now(UTC)
        )
        assert not signature_is_valid(
            "whsec_other", got.headers["Hospital-Signature"], got.body, now=datetime.now(UTC)
        )
        body = json.loads(got.body)
        assert body["type"] == "appointment.booked" == got.headers["Hospital-Event-Type"]
        assert body["id"] == got.headers["Hospital-Event-Id"]
        assert body["data"]["appointment_id"] == booked["id"] and "reason" not in body["data"]
        run_until(dispatcher, lambda: deliveries(client, endpoint["id"])[0]["status"] == "delivered")
        listed = deliveries(client, endpoint["id"])
        assert listed[0]["id"] == got.headers["Hospital-Delivery-Id"]
        assert listed[0]["last_status_code"] == 204 and listed[0]["attempts"] == 1
        assert listed[0]["delivered_at"] is not None
        assert deliveries(client, endpoint["id"], status="failed") == []


def test_cancel_and_reschedule_write_their_events_in_the_same_transaction(
    app: Flask, client: FlaskClient, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    patient = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)
    booked = client.post(
        "/api/v1/appointments", json={"doctor_id": snapshot["doctor_id"], "start": FIRST}, headers=patient
    ).json
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2027-03-01T08:00:00Z"},
        headers=patient,
    ).json
    client.post(f"/api/v1/appointments/{moved['id']}/cancel", json={}, headers=patient)
    for expected in (201, 409):  # the second one loses the race and writes nothing
        again = client.post(
            "/api/v1/appointments",
            json={"doctor_id": snapshot["doctor_id"], "start": "2027-03-01T08:00:00Z"},
            headers=identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN),
        )  # fmt: skip
        assert again.status_code == expected
    engine = app.extensions["container"].engine
    with engine.connect() as connection:
        rows = connection.execute(
            select(WebhookEventRow.event_type, WebhookEventRow.data)
            .where(WebhookEventRow.event_type.like("appointment.%"))
            .order_by(WebhookEventRow.id)
        ).all()
    types = [r.event_type for r in rows]
    assert types == [
        "appointment.booked",
        "appointment.rescheduled",
        "appointment.cancelled",
        "appointment.booked",
    ]
    assert rows[1].data["previous_appointment_id"] == booked["id"]
    assert rows[1].data["appointment_id"] == moved["id"]


def test_a_schedule_change_from_the_stream_is_an_event_and_a_repeat_is_not(
    app: Flask, add_doctor: Any
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    add_doctor(snapshot | {"version": 2})  # same schedule, newer version: nothing to announce
    changed = doctor_snapshot(doctor_id=uuid.UUID(snapshot["doctor_id"]), buffer=10, version=3)
    add_doctor(changed)
    with app.extensions["container"].engine.connect() as connection:
        rows = connection.execute(
            select(WebhookEventRow.data)
            .where(WebhookEventRow.event_type == "doctor.schedule_changed")
            .order_by(WebhookEventRow.id)
        ).all()
    assert [r.data["version"] for r in rows] == [1, 3]
    assert rows[1].data["schedule"]["buffer_minutes"] == 10


def test_a_hanging_endpoint_delays_no_other_endpoint(
    client: FlaskClient, add_doctor: Any, certificates: ReceiverCertificates, dispatcher: WebhookDispatcher
) -> None:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    hanging = HangingReceiver()
    try:
        with https_receiver(certificates) as healthy:
            register(client, hanging.url)
            register(client, healthy.url)
            booked_at = time.time()
            book(client, snapshot["doctor_id"])
            book(client, snapshot["doctor_id"], "2027-03-01T08:00:00Z")
            run_until(dispatcher, lambda: len(healthy.received) >= 2, timeout=5)
            assert (
                healthy.received[-1].at - booked_at < 1.0
            )  # the hanging one's 1 s timeout is not waited for
            assert len(hanging.connections) == 1  # one at a time per endpoint
    finally:
        hanging.stop()


def test_a_failing_endpoint_is_retried_with_backoff_and_given_up_after_the_window(
    app: Flask, client: FlaskClient, add_doctor: Any, certificates: ReceiverCertificates,
    dispatcher: WebhookDispatcher,
) -> None:  # fmt: skip
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    with https_receiver(certificates, status=500) as receiver:
        endpoint = register(client, receiver.url).json
        book(client, snapshot["doctor_id"])
        run_until(dispatcher, lambda: len(receiver.received) >= 3)
        gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
        assert all(gap >= 0.09 for gap in gaps), gaps  # waited (0.2 s shortened by up to half), not hammered
        first = deliveries(client, endpoint["id"])[0]
        assert first["status"] == "pending" and first["last_status_code"] == 500 and first["attempts"] >= 3
        # 24 h later (here: the window is moved to now), the next failure gives up.
        with app.extensions["container"].engine.begin() as connection:
            connection.execute(
                update(WebhookDeliveryRow).values(give_up_at=datetime.now(UTC) + timedelta(seconds=0.1))
            )
        run_until(dispatcher, lambda: deliveries(client, endpoint["id"])[0]["status"] == "failed")
        failed = deliveries(client, endpoint["id"], status="failed")
        assert len(failed) == 1 and failed[0]["next_attempt_at"] is None
        receiver.status = 200
        app.extensions["container"].clock = SystemClock()  # the retry is due now, in the dispatcher's time
        retried = client.post(
            f"/api/v1/webhooks/{endpoint['id']}/deliveries/{failed[0]['id']}/retry", headers=ADMIN
        )
        assert retried.status_code == 200 and retried.json["status"] == "pending"
        run_until(dispatcher, lambda: deliveries(client, endpoint["id"])[0]["status"] == "delivered")


def test_an_endpoint_registered_later_gets_no_earlier_events_and_a_paused_one_waits(
    app: Flask, client: FlaskClient, add_doctor: Any, certificates: ReceiverCertificates,
    dispatcher: WebhookDispatcher,
) -> None:  # fmt: skip
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    with https_receiver(certificates) as receiver:
        book(client, snapshot["doctor_id"])
        dispatcher.publish_pending()
        endpoint = register(client, receiver.url).json
        client.patch(f"/api/v1/webhooks/{endpoint['id']}", json={"active": False}, headers=ADMIN)
        book(client, snapshot["doctor_id"], "2027-03-01T08:00:00Z")
        for _ in range(5):
            dispatcher.publish_pending()
        assert receiver.received == []
        client.patch(f"/api/v1/webhooks/{endpoint['id']}", json={"active": True}, headers=ADMIN)
        run_until(dispatcher, lambda: len(receiver.received) >= 1)
        time.sleep(0.2)
        dispatcher.publish_pending()
        assert len(receiver.received) == 1
    with app.extensions["container"].engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM webhook_events WHERE fanned_out_at IS NULL")) == 0
