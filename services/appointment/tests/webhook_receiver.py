"""Webhook receivers for tests: a real HTTPS server on loopback with a certificate from a test CA (trustme),
one that can be taken down and brought back on the same port, and one that accepts connections and never
answers. Used by the integration tests and by tests/e2e/test_webhooks.py."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme


@dataclass
class ReceiverCertificates:
    """A CA and a certificate for 127.0.0.1 and localhost; `ca_file` is what WEBHOOK_CA_BUNDLE names."""

    directory: Path
    ca: trustme.CA = field(default_factory=trustme.CA)

    def __post_init__(self) -> None:
        self.server = self.ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = self.directory / "webhook-test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server.configure_cert(context)
        return context


@dataclass(frozen=True)
class Received:
    at: float  # time.time() when the request arrived
    headers: dict[str, str]
    body: bytes


class HttpsReceiver:
    """Answers every POST with `status` and keeps what it got; stop() and start() keep the port."""

    def __init__(self, certificates: ReceiverCertificates, *, status: int = 204) -> None:
        self._context = certificates.server_context()
        self.status = status
        self.received: list[Received] = []
        self._arrived = threading.Condition()
        self.port = _free_port()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/hooks"

    def start(self) -> HttpsReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._arrived:
                    receiver.received.append(Received(time.time(), dict(self.headers.items()), body))
                    receiver._arrived.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler, bind_and_activate=False)
        server.allow_reuse_address = True
        server.daemon_threads = True
        server.server_bind()
        server.server_activate()
        server.socket = self._context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int = 1, *, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.received)} of {count} webhooks arrived within {timeout}s")
                self._arrived.wait(remaining)
            return list(self.received)


class HangingReceiver:
    """Accepts TCP connections and never says a word (not even the TLS handshake)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(128)
        self.port = self._socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/hooks"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections.append(connection)  # kept open, never read or answered

    def stop(self) -> None:
        self._stopped.set()
        self._socket.close()
        for connection in self.connections:
            connection.close()


@contextmanager
def https_receiver(certificates: ReceiverCertificates, *, status: int = 204) -> Iterator[HttpsReceiver]:
    receiver = HttpsReceiver(certificates, status=status).start()
    try:
        yield receiver
    finally:
        receiver.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
