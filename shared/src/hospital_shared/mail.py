"""Sending mail through SMTP (SMTP_URL), the same way in every service that mails people.

`SmtpTransport` knows the three URL forms, builds the MIME message (plain text, optional attachments) and
tells a failure worth retrying later (`MailServerUnavailable`: no connection, timeout, 4xx) from a refusal
that will not change by itself (`MailRejected`: 5xx, e.g. an unknown mailbox).

Credentials travel only over TLS: a URL with a user or password must be `smtp+starttls://` or `smtps://`
(settings refuse anything else at start), and the transport checks again that the connection is encrypted
before it logs in, so a server that stops offering STARTTLS never sees the password.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TLS_SCHEMES = ("smtp+starttls", "smtps")


def smtp_url_problem(smtp_url: str) -> str | None:
    """Why SMTP_URL cannot be used (malformed, or credentials that would be sent in plain text), or None."""
    parts = urlsplit(smtp_url)
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError:
        return "SMTP_URL has a port that is not a number"
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return "SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://..."
    if (parts.username or parts.password) and parts.scheme not in TLS_SCHEMES:
        return (
            "SMTP_URL carries a user name or password over plain smtp://, which would send them unencrypted: "
            "use smtp+starttls://user:password@host:587 (STARTTLS) or smtps://user:password@host:465"
        )
    return None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    content: bytes
    params: Mapping[str, str] = field(default_factory=dict)  # extra Content-Type parameters, e.g. method


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    to_name: str = ""
    attachments: tuple[Attachment, ...] = ()


class MailNotSent(Exception):
    """The SMTP server did not take the mail."""


class MailServerUnavailable(MailNotSent, ConnectionError):
    """No answer, a dropped connection or a temporary (4xx) refusal: the same mail may go out later."""


class MailRejected(MailNotSent):
    """A permanent (5xx) refusal of this mail, such as an unknown recipient."""


def _is_temporary(error: smtplib.SMTPException) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values()]
        code = min(codes) if codes else None
    return code is None or 400 <= int(code) < 500


class SmtpTransport:
    """`smtp://host:port` (plain, no login: a local sink), `smtp+starttls://user:pass@host:587`, `smtps://...:465`."""

    def __init__(self, smtp_url: str, *, mail_from: str, timeout_seconds: float) -> None:
        if problem := smtp_url_problem(smtp_url):
            raise ValueError(problem)
        parts = urlsplit(smtp_url)
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port or DEFAULT_PORTS[parts.scheme]
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._from = mail_from
        self._timeout = timeout_seconds

    def message(self, mail: OutgoingMail) -> EmailMessage:
        """The MIME message `send` would hand to the server."""
        email = EmailMessage()
        email["From"] = self._from
        email["To"] = formataddr((mail.to_name, mail.to)) if mail.to_name else mail.to
        email["Subject"] = mail.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=parseaddr(self._from)[1].partition("@")[2] or None)
        email.set_content(mail.body)
        for attachment in mail.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            email.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
                params=dict(attachment.params),
            )
        return email

    def _connect(self) -> smtplib.SMTP:
        if self._scheme == "smtps":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=context)
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout)

    def send(self, mail: OutgoingMail) -> None:
        """Hand the mail to the server; raises MailServerUnavailable or MailRejected if it was not taken."""
        email = self.message(mail)
        try:
            with self._connect() as smtp:
                if self._scheme == "smtp+starttls":
                    self._start_tls(smtp)
                if self._username:
                    self._log_in(smtp)
                smtp.send_message(email)
        except MailNotSent:
            raise
        except smtplib.SMTPException as error:
            if _is_temporary(error):
                raise MailServerUnavailable(f"SMTP server refused for now: {error}") from error
            raise MailRejected(f"SMTP server refused the mail: {error}") from error
        except OSError as error:  # refused, unreachable, timed out, TLS failure
            raise MailServerUnavailable(f"SMTP server unreachable: {error}") from error
        log.info("mail sent", extra={"subject": mail.subject})

    def _start_tls(self, smtp: smtplib.SMTP) -> None:
        try:
            smtp.starttls(context=ssl.create_default_context())
        except smtplib.SMTPNotSupportedError:
            # A misconfigured server, or someone in between stripping STARTTLS: never fall back to plain text.
            raise MailServerUnavailable(
                f"SMTP server {self._host}:{self._port} offers no STARTTLS; "
                "nothing was sent, not even the login"
            ) from None

    def _log_in(self, smtp: smtplib.SMTP) -> None:
        if not isinstance(smtp.sock, ssl.SSLSocket):
            raise MailServerUnavailable(
                f"SMTP connection to {self._host}:{self._port} is not encrypted; the password is not sent"
            )
        smtp.login(self._username or "", self._password or "")
