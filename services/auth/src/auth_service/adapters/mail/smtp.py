"""Mail through SMTP (SMTP_URL), optionally handed to a background thread so requests never wait for it."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from auth_service.domain.mails import MailMessage
from auth_service.ports import Mailer
from hospital_shared.mail import OutgoingMail, SmtpTransport

log = logging.getLogger(__name__)


class SmtpMailer(Mailer):
    """Auth-MS's mails as plain text through the platform's SMTP transport (see hospital_shared.mail)."""

    def __init__(self, smtp_url: str, *, mail_from: str, timeout_seconds: float) -> None:
        self._transport = SmtpTransport(smtp_url, mail_from=mail_from, timeout_seconds=timeout_seconds)

    def send(self, message: MailMessage) -> None:
        self._transport.send(OutgoingMail(to=message.to, subject=message.subject, body=message.body))


class BackgroundMailer(Mailer):
    """Sends on a worker thread: the request answers at once, as fast whether a mail goes out or not."""

    def __init__(self, inner: Mailer, executor: Executor) -> None:
        self._inner = inner
        self._executor = executor

    def send(self, message: MailMessage) -> None:
        self._executor.submit(self._send_logged, message)

    def _send_logged(self, message: MailMessage) -> None:
        try:
            self._inner.send(message)
        except Exception:
            log.exception("mail could not be sent", extra={"subject": message.subject})
