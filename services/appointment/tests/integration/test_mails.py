"""Mails to patients from the mail outbox, with a real PostgreSQL, a real SMTP server on loopback and a
stand-in for Auth-MS's contact route: the mail and its .ics arrive; with SMTP down the mail waits (its
attempts grow, nothing is lost) and goes out once SMTP is back; one process sends at a time."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import icalendar
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select, text

from appointment_service import SERVICE_DIR
from appointment_service.adapters.contacts.auth_api import AuthApiPatientContacts
from appointment_service.adapters.http.app import create_app
from appointment_service.adapters.mail.smtp import SmtpMailSender
from appointment_service.adapters.postgres.mail_outbox import SqlMailRelayUnitOfWork
from appointment_service.adapters.postgres.models import MailOutboxRow
from appointment_service.bootstrap import Container, bootstrap, mail_relay_ports
from appointment_service.config import Settings
from appointment_service.service_layer.mail_relay import send_all_due_mails
from hospital_shared.background import start_background_work
from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN, free_port, make_settings, migrated_database

from ..builders import doctor_snapshot
from .mail_fixtures import AuthStub, Inbox, calendar_part, outbox_row, owe_mail, smtp_server


@pytest.fixture(scope="module")
def mail_database_url() -> Iterator[str]:
    with migrated_database("appointment_mails", SERVICE_DIR) as url:
        yield url


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_settings(mail_database_url: str, auth_ms: AuthStub, smtp_port: int) -> Settings:
    return make_settings(
        Settings,
        service="appointment",
        database_url=mail_database_url,
        projection_consumer_enabled=False,
        mail_relay_enabled=False,
        mail_relay_interval_seconds=0.1,
        mail_retry_first_seconds=0.2,
        mail_retry_max_seconds=1.0,
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
        smtp_timeout_seconds=3.0,
        auth_internal_url=auth_ms.url,
    )


@pytest.fixture
def containers(mail_settings: Settings) -> Iterator[list[Container]]:
    """Appointment-MS processes (one container each); the outbox is emptied after each test."""
    made: list[Container] = []
    yield made
    for container in made:
        container.close()
    service = bootstrap(mail_settings)
    with service.engine.begin() as connection:
        connection.execute(text("TRUNCATE mail_outbox"))
    service.close()


@pytest.fixture
def service(mail_settings: Settings, containers: list[Container]) -> Container:
    container = bootstrap(mail_settings)
    containers.append(container)
    return container


@pytest.fixture
def patient(auth_ms: AuthStub):
    return auth_ms.add_patient("pat@example.org", "Pat Patient")


def subject(message: EmailMessage) -> str:
    # Python's email folds a 70-odd character subject onto its own continuation line; reading it back
    # leaves the fold's space in front, which mail programs drop.
    return str(message["Subject"]).strip()


def sent_count(kind: str) -> float:
    return REGISTRY.get_sample_value("appointment_mails_sent_total", {"kind": kind}) or 0.0


def test_a_booking_mail_with_its_ics_reaches_the_patient(service: Container, smtp_port: int, patient) -> None:
    before = sent_count("confirmed")
    row_id = owe_mail(service.engine, patient_id=patient, appointment_id=patient, sequence=0)

    with smtp_server(smtp_port, Inbox()) as inbox:
        assert service.mail_relay_runner().run_once() == 1
        (message,) = inbox.wait_for(count=1)

    assert message["To"] == "Pat Patient <pat@example.org>"
    assert "appointments@hospital.example" in message["From"]
    assert subject(message) == "Appointment confirmed: Monday 1 March 2027, 09:00 with Dr. Dora Heart"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Monday 1 March 2027, 09:00-09:30 Europe/Berlin time (CET)" in body
    assert "08:00-08:30 UTC" in body
    method, raw = calendar_part(message)
    assert method == "REQUEST"
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF survived the trip
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{patient}@hospital.example"
    assert event.decoded("DTSTART") == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert str(event["ATTENDEE"]) == "mailto:pat@example.org"
    row = outbox_row(service.engine, row_id)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert sent_count("confirmed") == before + 1


def test_a_cancellation_arrives_as_an_ics_cancel(service: Container, smtp_port: int, patient) -> None:
    owe_mail(
        service.engine,
        patient_id=patient,
        kind="cancelled",
        status="cancelled",
        sequence=1,
        cancelled_by_role="patient",
    )

    with smtp_server(smtp_port, Inbox()) as inbox:
        service.mail_relay_runner().run_once()
        (message,) = inbox.wait_for(count=1)

    method, raw = calendar_part(message)
    calendar = icalendar.Calendar.from_ical(raw)
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert subject(message).startswith("Appointment cancelled:")


def test_with_smtp_down_the_mail_waits_and_goes_out_once_smtp_is_back(
    service: Container, smtp_port: int, patient
) -> None:
    row_id = owe_mail(service.engine, patient_id=patient)
    runner = service.mail_relay_runner()

    tried_from = datetime.now(UTC)
    assert runner.run_once() == 0
    tried_until = datetime.now(UTC)
    first = outbox_row(service.engine, row_id)
    assert (first.attempts, first.sent_at) == (1, None)
    assert "MailServerUnavailable" in (first.last_error or "")
    # It waits the first retry delay from the failed try: compared with when the try ran, not with a later
    # now (under load reading the row took longer than the 0.2 s delay, and "later than now" failed).
    wait = timedelta(seconds=service.settings.mail_retry_first_seconds)
    assert tried_from + wait <= first.next_attempt_at <= tried_until + wait
    assert first.next_attempt_at > tried_from

    time.sleep(0.25)
    assert runner.run_once() == 0
    assert outbox_row(service.engine, row_id).attempts == 2

    with smtp_server(smtp_port, Inbox()) as inbox:
        time.sleep(0.5)  # the second failure waits 0.4 s
        assert runner.run_once() == 1
        (message,) = inbox.wait_for(count=1)

    assert "pat@example.org" in message["To"]
    sent = outbox_row(service.engine, row_id)
    assert sent.sent_at is not None and sent.attempts == 3
    with service.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(MailOutboxRow)) == 1


def test_the_relay_thread_sends_on_its_own(service: Container, smtp_port: int, patient) -> None:
    with smtp_server(smtp_port, Inbox()) as inbox:
        service.mail_relay_runner().start_in_background("test-mail-relay")
        owe_mail(service.engine, patient_id=patient)
        owe_mail(service.engine, patient_id=patient, kind="rescheduled", sequence=1)

        messages = inbox.wait_for(count=2, timeout=10)

    assert [subject(m).split(":")[0] for m in messages] == ["Appointment confirmed", "Appointment moved"]


def test_an_app_started_with_the_mail_relay_sends_the_outbox(
    mail_settings: Settings, containers: list[Container], smtp_port: int, patient
) -> None:
    app = create_app(replace(mail_settings, mail_relay_enabled=True))
    containers.append(app.extensions["container"])
    start_background_work(app)  # as gunicorn's worker does; create_app starts no thread

    with smtp_server(smtp_port, Inbox()) as inbox:
        owe_mail(app.extensions["container"].engine, patient_id=patient)
        (message,) = inbox.wait_for(count=1, timeout=10)

    assert subject(message).startswith("Appointment confirmed:")


def test_one_process_sends_at_a_time_and_another_takes_over_when_it_stops(
    mail_settings: Settings, containers: list[Container], smtp_port: int, patient
) -> None:
    first, second = bootstrap(mail_settings), bootstrap(mail_settings)
    containers.extend([first, second])
    for _ in range(3):
        owe_mail(first.engine, patient_id=patient)

    with smtp_server(smtp_port, Inbox()) as inbox:
        assert first.mail_relay_runner().run_once() == 3
        owe_mail(first.engine, patient_id=patient)
        assert second.mail_relay_runner().run_once() == 0  # the first one holds the lock
        first.mail_relay_runner().stop()
        assert second.mail_relay_runner().run_once() == 1
        assert len(inbox.wait_for(count=4)) == 4
        time.sleep(0.2)
        assert len(inbox.messages) == 4  # each mail exactly once


def test_rows_one_relay_has_claimed_are_skipped_by_another(service: Container, patient) -> None:
    ids = [owe_mail(service.engine, patient_id=patient) for _ in range(3)]
    now = datetime.now(UTC)

    with SqlMailRelayUnitOfWork(service.session_factory) as first:
        taken = first.pending.claim_due(now=now, limit=2)
        with SqlMailRelayUnitOfWork(service.session_factory) as second:
            rest = second.pending.claim_due(now=now, limit=10)

    assert [m.id for m in taken] == ids[:2]
    assert [m.id for m in rest] == ids[2:]


def test_a_later_mail_about_the_same_appointment_waits_for_the_earlier_one(
    service: Container, patient
) -> None:
    booked = owe_mail(service.engine, patient_id=patient, appointment_id=patient)
    owe_mail(service.engine, patient_id=patient, appointment_id=patient, kind="cancelled", sequence=1)

    with SqlMailRelayUnitOfWork(service.session_factory) as uow:
        due = uow.pending.claim_due(now=datetime.now(UTC), limit=10)

    assert [m.id for m in due] == [booked]


def test_a_mail_to_an_unknown_patient_waits_with_its_reason_and_others_still_go_out(
    service: Container, smtp_port: int, patient
) -> None:
    unknown = owe_mail(service.engine, patient_id=uuid.uuid4())
    known = owe_mail(service.engine, patient_id=patient)

    with smtp_server(smtp_port, Inbox()) as inbox:
        assert service.mail_relay_runner().run_once() == 1
        assert len(inbox.wait_for(count=1)) == 1

    assert outbox_row(service.engine, known).sent_at is not None
    waiting = outbox_row(service.engine, unknown)
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "RecipientUnknown" in (waiting.last_error or "")


def test_book_move_and_cancel_send_three_mails_about_one_calendar_event(
    app, client, add_doctor, auth_ms: AuthStub, smtp_port: int
) -> None:
    """The contract with the booking use cases: their outbox payloads make the mails, in order."""
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    patient_id = auth_ms.add_patient("maria@example.org", "Maria Schmidt")
    headers = identity_headers(patient_id, "patient", INTERNAL_TOKEN)
    booked = client.post(
        "/api/v1/appointments",
        json={"doctor_id": snapshot["doctor_id"], "start": "2027-03-01T07:00:00Z", "reason": "chest pain"},
        headers=headers,
    )
    assert booked.status_code == 201, booked.json
    moved = client.post(
        f"/api/v1/appointments/{booked.json['id']}/reschedule",
        json={"start": "2027-03-01T08:00:00Z"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.json
    cancelled = client.post(
        f"/api/v1/appointments/{moved.json['id']}/cancel", json={"reason": "feeling better"}, headers=headers
    )
    assert cancelled.status_code == 200, cancelled.json
    container = app.extensions["container"]
    ports = replace(
        mail_relay_ports(container),
        contacts=AuthApiPatientContacts(auth_ms.url, internal_token=INTERNAL_TOKEN, timeout_seconds=3),
        sender=SmtpMailSender(
            f"smtp://127.0.0.1:{smtp_port}", mail_from="a@hospital.example", timeout_seconds=3
        ),
    )

    with smtp_server(smtp_port, Inbox()) as inbox:
        while send_all_due_mails(
            SqlMailRelayUnitOfWork(container.session_factory), ports=ports
        ):  # a mail waits for the older ones about its appointment
            pass
        messages = inbox.wait_for(count=3)

    assert [subject(m).split(":")[0] for m in messages] == [
        "Appointment confirmed",
        "Appointment moved",
        "Appointment cancelled",
    ]
    events = [icalendar.Calendar.from_ical(calendar_part(m)[1]).walk("VEVENT")[0] for m in messages]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == sorted(int(e["SEQUENCE"]) for e in events)
    assert int(events[2]["SEQUENCE"]) > int(events[1]["SEQUENCE"]) > int(events[0]["SEQUENCE"])
    assert [calendar_part(m)[0] for m in messages] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1].decoded("DTSTART") == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert all("maria@example.org" in m["To"] for m in messages)
    assert "feeling better" in messages[2].get_body(preferencelist=("plain",)).get_content()
