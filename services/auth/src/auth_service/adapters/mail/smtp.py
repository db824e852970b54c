"""Mail through SMTP (SMTP_URL), optionally handed to a background thread so requests never wait for it."""

from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import Executor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from auth_service.domain.mails import MailMessage
from auth_service.ports import Mailer

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class SmtpMailer(Mailer):
    """`smtp://host:port` (plain, for a local sink), `smtp+starttls://user:pass@host:587`, `smtps://...:465`."""

    def __init__(self, smtp_url: str, *, mail_from: str, timeout_seconds: float) -> None:
        parts = urlsplit(smtp_url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://...")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port or DEFAULT_PORTS[parts.scheme]
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._from = mail_from
        self._timeout = timeout_seconds

    def _message(self, message: MailMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self._from
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=parseaddr(self._from)[1].partition("@")[2] or None)
        email.set_content(message.body)
        return email

    def send(self, message: MailMessage) -> None:
        email = self._message(message)
        context = ssl.create_default_context()
        if self._scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=context
            )
        else:
            connection = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        with connection as smtp:
            if self._scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(email)
        log.info("mail sent", extra={"subject": message.subject})


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
