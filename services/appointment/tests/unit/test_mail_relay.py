"""The mail relay's use case with fakes of its ports: what is sent, what waits, and that nothing is lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from appointment_service.domain.mails import Mailbox, RetryPolicy
from appointment_service.service_layer.mail_relay import MailRelayPorts, send_all_due_mails, send_due_mails
from hospital_testing import FixedClock

from ..fakes import FakeContacts, FakeMailRelayUnitOfWork, FakeSender, OutboxRow

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class Relay:
    """The use case wired with fakes, plus helpers to put mails in its outbox."""

    def __init__(self, *, batch_size: int = 10) -> None:
        self.uow, self.contacts, self.sender, self.clock = (
            FakeMailRelayUnitOfWork(),
            FakeContacts(),
            FakeSender(),
            FixedClock(T0),
        )
        self.ports = MailRelayPorts(
            contacts=self.contacts,
            sender=self.sender,
            clock=self.clock,
            organizer=Mailbox("appointments@hospital.example", "Hospital appointments"),
            batch_size=batch_size,
            retry=RetryPolicy(first_delay=timedelta(seconds=5), max_delay=timedelta(minutes=5)),
        )

    @property
    def rows(self) -> list[OutboxRow]:
        return self.uow.pending.rows

    def owe(
        self, kind: str = "confirmed", *, appointment_id: uuid.UUID | None = None, known: bool = True
    ) -> OutboxRow:
        patient_id, appointment_id = uuid.uuid4(), appointment_id or uuid.uuid4()
        if known:
            self.contacts.known[patient_id] = Mailbox(f"{patient_id.hex[:8]}@example.org", "Pat")
        payload = {
            "appointment_id": str(appointment_id),
            "patient_id": str(patient_id),
            "doctor_id": str(uuid.uuid4()),
            "doctor_name": "Dr. Dora Heart",
            "doctor_time_zone": "Europe/Berlin",
            "start": "2026-12-01T09:00:00Z",
            "end": "2026-12-01T09:30:00Z",
            "sequence": 0 if kind == "confirmed" else 1,
        }
        row = OutboxRow(len(self.rows) + 1, appointment_id, patient_id, kind, payload, next_attempt_at=T0)
        self.rows.append(row)
        return row


def test_a_due_mail_goes_to_the_patients_address_and_is_marked_sent() -> None:
    relay = Relay()
    row = relay.owe()

    result = send_due_mails(relay.uow, ports=relay.ports)

    assert result.sent == ["confirmed"] and result.failed == [] and result.backlog == 0
    (mail,) = relay.sender.sent
    assert mail.to == relay.contacts.known[row.patient_id]
    assert "BEGIN:VCALENDAR" in mail.calendar
    assert row.sent_at == T0 and row.attempts == 1
    assert relay.uow.commits == 1


def test_with_the_mail_server_down_the_mail_waits_with_its_error_and_goes_out_once_it_is_back() -> None:
    relay = Relay()
    row = relay.owe()
    relay.sender.down = True

    first = send_due_mails(relay.uow, ports=relay.ports)
    assert first.sent == [] and first.failed == [("confirmed", "MailServerUnavailable")]
    assert (row.attempts, row.sent_at) == (1, None)
    assert "connection refused" in (row.last_error or "")
    assert row.next_attempt_at == T0 + timedelta(seconds=5)

    relay.clock.advance(seconds=4)
    assert send_due_mails(relay.uow, ports=relay.ports).claimed == 0  # not due yet
    relay.clock.advance(seconds=1)
    send_due_mails(relay.uow, ports=relay.ports)
    assert row.attempts == 2 and row.next_attempt_at == relay.clock.now() + timedelta(seconds=10)

    relay.sender.down = False
    relay.clock.advance(seconds=10)
    assert send_due_mails(relay.uow, ports=relay.ports).sent == ["confirmed"]
    assert row.sent_at is not None and row.attempts == 3
    assert len(relay.sender.sent) == 1


def test_the_wait_between_tries_is_capped() -> None:
    relay = Relay()
    row = relay.owe()
    relay.sender.down = True

    for _ in range(12):
        relay.clock.current = row.next_attempt_at
        send_due_mails(relay.uow, ports=relay.ports)

    assert row.attempts == 12
    assert row.next_attempt_at - relay.clock.now() == timedelta(minutes=5)
    assert row.sent_at is None


def test_an_unreachable_mail_server_ends_the_round_instead_of_failing_every_mail() -> None:
    relay = Relay()
    rows = [relay.owe() for _ in range(5)]
    relay.sender.down = True

    result = send_due_mails(relay.uow, ports=relay.ports)

    assert result.stopped_early and relay.sender.tries == 1
    assert [r.attempts for r in rows] == [1, 0, 0, 0, 0]
    assert result.backlog == 5


def test_an_unreachable_auth_ms_ends_the_round_and_the_mail_waits() -> None:
    relay = Relay()
    rows = [relay.owe(), relay.owe()]
    relay.contacts.down = True

    result = send_due_mails(relay.uow, ports=relay.ports)

    assert result.failed == [("confirmed", "ContactsUnavailable")] and result.stopped_early
    assert [r.attempts for r in rows] == [1, 0]
    assert relay.sender.tries == 0


def test_a_mail_that_fails_for_its_own_reason_does_not_hold_up_the_others() -> None:
    relay = Relay()
    unknown = relay.owe(known=False)
    rejected = relay.owe()
    relay.sender.rejects.add(relay.contacts.known[rejected.patient_id].address)
    fine = relay.owe()

    result = send_due_mails(relay.uow, ports=relay.ports)

    assert result.sent == ["confirmed"] and not result.stopped_early
    assert [name for _, name in result.failed] == ["RecipientUnknown", "MailRejected"]
    assert fine.sent_at is not None
    assert unknown.sent_at is None and "RecipientUnknown" in (unknown.last_error or "")
    assert rejected.sent_at is None and "550" in (rejected.last_error or "")
    assert len(relay.rows) == 3  # nothing is ever dropped


def test_a_broken_payload_is_kept_with_its_error_and_the_others_still_go_out() -> None:
    relay = Relay()
    broken = relay.owe()
    del broken.payload["start"]
    fine = relay.owe()

    result = send_due_mails(relay.uow, ports=relay.ports)

    assert result.sent == ["confirmed"]
    assert fine.sent_at is not None
    assert broken.sent_at is None and "MailPayloadInvalid" in (broken.last_error or "")


def test_mails_about_one_appointment_go_out_in_the_order_they_were_written() -> None:
    relay = Relay()
    appointment = uuid.uuid4()
    booked = relay.owe("confirmed", appointment_id=appointment)
    cancelled = relay.owe("cancelled", appointment_id=appointment)
    relay.contacts.known[cancelled.patient_id] = relay.contacts.known[booked.patient_id]
    relay.sender.rejects.add(relay.contacts.known[booked.patient_id].address)

    send_due_mails(relay.uow, ports=relay.ports)
    assert booked.sent_at is None and cancelled.attempts == 0  # waits behind the older mail

    relay.sender.rejects.clear()
    relay.clock.advance(minutes=1)
    assert send_due_mails(relay.uow, ports=relay.ports).sent == ["confirmed"]
    assert send_due_mails(relay.uow, ports=relay.ports).sent == [
        "cancelled"
    ]  # the next round, a second later
    assert [m.calendar_method for m in relay.sender.sent] == ["REQUEST", "CANCEL"]


def test_a_backlog_larger_than_a_batch_is_sent_in_several_rounds() -> None:
    relay = Relay(batch_size=3)
    for _ in range(7):
        relay.owe()
    rounds = []

    sent = send_all_due_mails(relay.uow, ports=relay.ports, on_round=rounds.append)

    assert sent == 7
    assert [len(r.sent) for r in rounds] == [3, 3, 1]
    assert rounds[-1].backlog == 0
