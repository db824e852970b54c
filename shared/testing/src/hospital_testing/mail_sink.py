"""A local SMTP sink for development: every message is kept as a .eml file the developer can open.

    python -m hospital_testing.mail_sink --host 127.0.0.1 --port 8025 --dir .stack/mail

It accepts any sender and recipient and relays nothing. Tests start the same server on a free loopback port.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import logging
import signal
import threading
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

log = logging.getLogger("hospital_testing.mail_sink")


class MailboxHandler:
    """aiosmtpd handler: writes each message to `directory` and keeps it in memory for tests."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        path = None
        if self.directory is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(raw)
        log.info("mail to %s: %s -> %s", ", ".join(envelope.rcpt_tos), message["Subject"], path or "(memory)")
        with self._arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, *, to: str, subject: str = "", timeout: float = 10.0) -> EmailMessage:
        """The newest message to `to` whose subject contains `subject`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in reversed(self.messages):
                    if to in str(message["To"]) and subject in str(message["Subject"]):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no mail to {to} about {subject!r} within {timeout}s")
                self._arrived.wait(remaining)


def start_sink(*, host: str, port: int, directory: Path | None = None) -> tuple[Controller, MailboxHandler]:
    handler = MailboxHandler(directory)
    controller = Controller(handler, hostname=host, port=port, ready_timeout=10)
    controller.start()
    return controller, handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Keep every mail sent to this SMTP server as a .eml file.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True, help="where the .eml files go")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s mail-sink %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    controller, _ = start_sink(host=args.host, port=args.port, directory=args.dir)
    log.info("SMTP sink on %s:%s, mails land in %s", args.host, args.port, args.dir.resolve())
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
