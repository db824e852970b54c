"""The mail relay's use case: send the mails the outbox owes patients, and keep the ones that fail.

Delivery is at least once: a mail goes out, then its row is marked sent in the same transaction that claimed
it; a crash in between sends it again next time (its calendar object has the same UID and SEQUENCE, so a
calendar program keeps one event). A mail that fails stays in the outbox with its error and a later
`next_attempt_at`; nothing is ever deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from appointment_service.domain.mails import AppointmentNotice, Mailbox, RetryPolicy, compose_mail
from appointment_service.ports import (
    MailNotSent,
    MailRelayUnitOfWork,
    MailSender,
    PatientContacts,
    PendingMail,
)
from hospital_shared.clock import Clock

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 1000


@dataclass
class MailRelayPorts:
    """What the relay works through; bootstrap fills it with real adapters, unit tests with fakes."""

    contacts: PatientContacts
    sender: MailSender
    clock: Clock
    organizer: Mailbox  # the From address, also the calendar event's ORGANIZER
    batch_size: int = 10
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class RelayRound:
    """What one round did: the kinds of mail sent, the failures (kind, error class), what is left."""

    claimed: int = 0
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    stopped_early: bool = False
    backlog: int = 0


def _deliver(mail: PendingMail, ports: MailRelayPorts) -> None:
    notice = AppointmentNotice.from_payload(mail.kind, mail.payload)
    recipient = ports.contacts.contact_of(mail.patient_id)
    ports.sender.send(compose_mail(notice, to=recipient, organizer=ports.organizer, now=ports.clock.now()))


def send_due_mails(uow: MailRelayUnitOfWork, *, ports: MailRelayPorts) -> RelayRound:
    """Send up to one batch of due mails, oldest first; a mail that fails waits for its next try."""
    result = RelayRound()
    with uow:
        due = uow.pending.claim_due(now=ports.clock.now(), limit=ports.batch_size)
        result.claimed = len(due)
        for mail in due:
            try:
                _deliver(mail, ports)
            except Exception as error:  # one bad row must never hold up the others
                if not isinstance(error, MailNotSent):
                    log.exception("mail could not be composed", extra={"mail_id": mail.id})
                _postpone(uow, mail, error, ports)
                result.failed.append((mail.kind, type(error).__name__))
                if isinstance(error, MailNotSent) and error.stops_round:
                    # Every other mail would meet the same closed door: leave them for the next round.
                    result.stopped_early = True
                    break
            else:
                uow.pending.mark_sent(mail.id, at=ports.clock.now())
                result.sent.append(mail.kind)
        result.backlog = uow.pending.backlog()
        uow.commit()
    return result


def _postpone(uow: MailRelayUnitOfWork, mail: PendingMail, error: Exception, ports: MailRelayPorts) -> None:
    delay = ports.retry.delay_after(mail.attempts + 1)
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    uow.pending.mark_failed(mail.id, error=message, retry_at=ports.clock.now() + delay)
    log.warning(
        "mail not sent; will retry",
        extra={"mail_id": mail.id, "attempts": mail.attempts + 1, "retry_in_s": delay.total_seconds()},
    )


def send_all_due_mails(
    uow: MailRelayUnitOfWork, *, ports: MailRelayPorts, on_round: Callable[[RelayRound], None] | None = None
) -> int:
    """Rounds of `send_due_mails` until nothing due is left or a round stopped early; returns mails sent."""
    sent = 0
    while True:
        result = send_due_mails(uow, ports=ports)
        if on_round is not None:
            on_round(result)
        sent += len(result.sent)
        if result.stopped_early or result.claimed < ports.batch_size or not result.sent:
            return sent
