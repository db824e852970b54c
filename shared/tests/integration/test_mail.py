"""SMTP credentials go only over TLS: refused at start for smtp://, and never sent on an unencrypted line."""

from __future__ import annotations

import base64
import socketserver
import threading
from collections.abc import Iterator

import pytest

from hospital_shared.mail import MailServerUnavailable, OutgoingMail, SmtpTransport
from hospital_testing import free_port

PASSWORD = "s3cret-mail-password"
MAIL = OutgoingMail(to="pat@example.org", subject="Your appointment", body="See you on Monday.")


class PlaintextSmtpServer(socketserver.ThreadingTCPServer):
    """A plaintext SMTP server that offers AUTH and no STARTTLS, and keeps every line it was sent."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _SmtpSession)
        self.received: list[bytes] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a TLS client hangs up when its handshake gets a plaintext greeting: expected, not news

    @property
    def transcript(self) -> bytes:
        return b"\n".join(self.received)


class _SmtpSession(socketserver.StreamRequestHandler):
    server: PlaintextSmtpServer

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 plaintext.test ESMTP")
        in_data = False
        for raw in self.rfile:
            self.server.received.append(raw.rstrip(b"\r\n"))
            line = raw.decode(errors="replace").strip()
            verb = line.split(" ", 1)[0].upper()
            if in_data:
                if line == ".":
                    in_data = False
                    self._say("250 queued")
            elif verb == "EHLO":
                self._say("250-plaintext.test")
                self._say("250 AUTH PLAIN LOGIN")
            elif verb == "AUTH":
                self._say("235 authenticated")
            elif verb == "DATA":
                in_data = True
                self._say("354 go ahead")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def plaintext_server() -> Iterator[PlaintextSmtpServer]:
    server = PlaintextSmtpServer(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def password_was_sent(server: PlaintextSmtpServer) -> bool:
    encoded = base64.b64encode(f"\0mailer\0{PASSWORD}".encode())
    return PASSWORD.encode() in server.transcript or encoded in server.transcript


def test_credentials_over_plain_smtp_are_refused_before_anything_is_dialled(
    plaintext_server: PlaintextSmtpServer,
) -> None:
    url = f"smtp://mailer:{PASSWORD}@127.0.0.1:{plaintext_server.server_address[1]}"

    with pytest.raises(ValueError, match=r"unencrypted: use smtp\+starttls://.* or smtps://"):
        SmtpTransport(url, mail_from="Hospital <no-reply@hospital.test>", timeout_seconds=5)

    assert plaintext_server.received == []


def test_a_server_without_starttls_never_sees_the_login(plaintext_server: PlaintextSmtpServer) -> None:
    url = f"smtp+starttls://mailer:{PASSWORD}@127.0.0.1:{plaintext_server.server_address[1]}"
    transport = SmtpTransport(url, mail_from="Hospital <no-reply@hospital.test>", timeout_seconds=5)

    with pytest.raises(MailServerUnavailable, match="offers no STARTTLS; nothing was sent"):
        transport.send(MAIL)

    assert any(line.upper().startswith(b"EHLO") for line in plaintext_server.received)
    assert not any(line.upper().startswith(b"AUTH") for line in plaintext_server.received)
    assert not password_was_sent(plaintext_server)


def test_smtps_to_a_plaintext_server_fails_without_sending_the_password(
    plaintext_server: PlaintextSmtpServer,
) -> None:
    url = f"smtps://mailer:{PASSWORD}@127.0.0.1:{plaintext_server.server_address[1]}"
    transport = SmtpTransport(url, mail_from="Hospital <no-reply@hospital.test>", timeout_seconds=5)

    with pytest.raises(MailServerUnavailable, match="unreachable"):
        transport.send(MAIL)

    assert not password_was_sent(plaintext_server)


def test_plain_smtp_without_credentials_still_reaches_a_local_sink(
    plaintext_server: PlaintextSmtpServer,
) -> None:
    url = f"smtp://127.0.0.1:{plaintext_server.server_address[1]}"

    SmtpTransport(url, mail_from="Hospital <no-reply@hospital.test>", timeout_seconds=5).send(MAIL)

    assert b"Subject: Your appointment" in plaintext_server.transcript
    assert not any(line.upper().startswith(b"AUTH") for line in plaintext_server.received)
