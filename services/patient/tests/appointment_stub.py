"""A tiny real HTTP server on loopback standing in for Appointment-MS's GET /internal/relationships."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class AppointmentStub:
    """Answers 204 for the (doctor user id, patient id) pairs in `treats`, 404 for others, 401 without the
    token; `status` forces one answer for every request (e.g. 500)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.treats: set[tuple[str, str]] = set()
        self.status: int | None = None
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": query, "headers": dict(request.headers)})
        if request.headers.get("X-Internal-Token") != self.token:
            status = 401
        elif self.status is not None:
            status = self.status
        elif parts.path != "/internal/relationships":
            status = 404
        else:
            pair = (query.get("doctor_user_id", ""), query.get("patient_id", ""))
            status = 204 if pair in self.treats else 404
        request.send_response(status)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def add(self, doctor_user_id: uuid.UUID, patient_id: uuid.UUID) -> None:
        self.treats.add((str(doctor_user_id), str(patient_id)))

    def reset(self) -> None:
        self.treats.clear()
        self.requests.clear()
        self.status = None

    def start(self) -> AppointmentStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
