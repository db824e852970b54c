"""The mail relay as a background loop: `hospital_shared.events.RelayRunner` runs it in every Appointment-MS
process, and a PostgreSQL advisory lock lets one of them send at a time."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from appointment_service.ports import MailRelayUnitOfWork
from appointment_service.service_layer.mail_relay import MailRelayPorts, RelayRound, send_all_due_mails

MAILS_SENT = Counter(
    "appointment_mails_sent_total", "Mails to patients the SMTP server took, by kind.", ["kind"]
)
MAILS_FAILED = Counter(
    "appointment_mail_failures_total",
    "Tries to send a mail to a patient that failed (the mail waits and is tried again), by kind and reason.",
    ["kind", "reason"],
)
MAIL_BACKLOG = Gauge(
    "appointment_mail_backlog",
    "Mails in the outbox not sent yet, as the sending relay last counted them.",
    # Only the elected process counts; the newest count wins over what a former leader left behind.
    multiprocess_mode="livemostrecent",
)


def record(result: RelayRound) -> None:
    for kind in result.sent:
        MAILS_SENT.labels(kind).inc()
    for kind, reason in result.failed:
        MAILS_FAILED.labels(kind, reason).inc()
    MAIL_BACKLOG.set(result.backlog)


class MailRelay:
    """What RelayRunner drives: `publish_pending()` sends every mail due now and says how many went out."""

    stream = "mail_outbox"  # the name RelayRunner's log lines give what it relays

    def __init__(self, uow: MailRelayUnitOfWork, *, ports: MailRelayPorts) -> None:
        self.uow = uow
        self.ports = ports

    def publish_pending(self) -> int:
        return send_all_due_mails(self.uow, ports=self.ports, on_round=record)
