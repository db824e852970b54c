"""What the mail tests run against: a real SMTP server on loopback, a stand-in for Auth-MS's contact route
(a real HTTP server on loopback), and mail outbox rows written as the booking use cases write them."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import threading
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from appointment_service.adapters.postgres.models import MailOutboxRow


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self._arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, *, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.messages)} of {count} mails arrived within {timeout}s")
                self._arrived.wait(remaining)
            return list(self.messages)


@contextlib.contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1:`port` for as long as the block runs."""
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


class AuthStub:
    """Answers GET /internal/users/<id>/contact as Auth-MS does, for the accounts in `accounts`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.accounts: dict[str, dict[str, Any]] = {}
        self.unavailable = False  # answer 503 to everything, as an Auth-MS that cannot serve
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        parts = request.path.strip("/").split("/")
        account = None
        if len(parts) == 4 and parts[:2] == ["internal", "users"] and parts[3] == "contact":
            account = self.accounts.get(parts[2])
        if self.unavailable:
            status, body = 503, {"status": 503}
        elif request.headers.get("X-Internal-Token") != self.token:
            status, body = 401, {"status": 401}
        elif account is None:
            status, body = 404, {"status": 404}
        else:
            status, body = 200, account
        raw = json.dumps(body).encode()
        request.send_response(status)
        request.send_header(
            "Content-Type", "application/json" if status == 200 else "application/problem+json"
        )
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        request.wfile.write(raw)

    def add_patient(self, address: str, full_name: str) -> uuid.UUID:
        patient_id = uuid.uuid4()
        self.accounts[str(patient_id)] = {"email": address, "full_name": full_name, "email_verified": True}
        return patient_id

    def add_account(
        self, *, role: str = "patient", registered_by_key: uuid.UUID | None = None, disabled: bool = False
    ) -> uuid.UUID:
        """An account as the contact route describes it to services (role, registered_by_key, disabled)."""
        user_id = uuid.uuid4()
        self.accounts[str(user_id)] = {
            "email": f"{user_id.hex[:8]}@example.org", "full_name": "Pat Partner", "email_verified": False,
            "role": role, "registered_by_key": str(registered_by_key) if registered_by_key else None,
            "disabled": disabled,
        }  # fmt: skip
        return user_id

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def owe_mail(engine: Engine, *, patient_id: uuid.UUID, kind: str = "confirmed", **payload: Any) -> int:
    """Write a mail outbox row as a booking would (its own transaction); returns the row's id."""
    appointment_id = payload.pop("appointment_id", uuid.uuid4())
    document = {
        "appointment_id": str(appointment_id),
        "patient_id": str(patient_id),
        "doctor_id": str(uuid.uuid4()),
        "doctor_name": "Dr. Dora Heart",
        "doctor_time_zone": "Europe/Berlin",
        "specialization": "cardiology",
        "appointment_type": "consultation",
        "start": "2027-03-01T08:00:00+00:00",
        "end": "2027-03-01T08:30:00+00:00",
        "duration_minutes": 30,
        "reason": "Chest pain",
        "status": "booked",
        "sequence": 0,
        "clinic": "",
        "location": "",
        **payload,
    }
    with Session(engine) as session, session.begin():
        row = MailOutboxRow(appointment_id=appointment_id, patient_id=patient_id, kind=kind, payload=document)
        session.add(row)
        session.flush()
        return row.id


def outbox_row(engine: Engine, row_id: int) -> MailOutboxRow:
    with Session(engine) as session:
        row = session.scalar(select(MailOutboxRow).where(MailOutboxRow.id == row_id))
        assert row is not None
        session.expunge(row)
        return row


def calendar_part(message: EmailMessage) -> tuple[str, bytes]:
    """The iTIP method (Content-Type parameter) and raw bytes of the mail's one .ics attachment."""
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [part.get_content_type() for part in message.iter_attachments()]
    assert parts[0].get_filename().endswith(".ics")
    return str(parts[0].get_param("method")), parts[0].get_payload(decode=True)
