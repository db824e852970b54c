"""Webhooks over HTTPS with urllib3: short timeouts, no redirects, certificates verified, and the address
checked again at send time (a host that re-resolves to a private address is refused: DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import urllib3

from appointment_service.domain.webhooks import SendOutcome, TargetRefused, check_addresses, check_url
from appointment_service.ports import HostResolver, WebhookSender

MAX_RESPONSE_BYTES = 64 * 1024  # read (and forget) at most this much of an answer


class SystemResolver(HostResolver):
    def addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        # IPv4 first: most receivers listen there, and the order is stable.
        found = sorted({str(info[4][0]) for info in infos}, key=lambda a: (":" in a, a))
        return found


class HttpsWebhookSender(WebhookSender):
    def __init__(
        self, *, resolver: HostResolver, allow_private: bool, ca_bundle: str | None,
        connect_timeout_seconds: float, read_timeout_seconds: float,
    ) -> None:  # fmt: skip
        self._resolver = resolver
        self._allow_private = allow_private
        self._ca_bundle = ca_bundle or None
        self._timeout = urllib3.Timeout(connect=connect_timeout_seconds, read=read_timeout_seconds)

    def send(self, url: str, *, body: bytes, headers: dict[str, str]) -> SendOutcome:
        started = time.monotonic()

        def outcome(status_code: int | None = None, error: str | None = None) -> SendOutcome:
            return SendOutcome(status_code, error, int((time.monotonic() - started) * 1000))

        try:
            host, port = check_url(url)
            addresses = self._resolver.addresses(host, port)
            check_addresses(addresses, allow_private=self._allow_private)
        except TargetRefused as refused:
            return outcome(error=f"refused: {refused}")
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = self._pool(host, addresses[0], port)
        try:
            response = pool.urlopen(
                "POST", path, body=body, headers={**headers, "Host": parts.netloc},
                redirect=False, retries=False, preload_content=False, assert_same_host=False,
            )  # fmt: skip
            try:
                response.read(MAX_RESPONSE_BYTES)
            finally:
                response.release_conn()
            return outcome(status_code=response.status)
        except urllib3.exceptions.HTTPError as error:
            return outcome(error=_describe(error))
        finally:
            pool.close()

    def _pool(self, host: str, address: str, port: int) -> urllib3.HTTPSConnectionPool:
        """A connection to the checked address, verifying the certificate against the URL's host name."""
        literal = _is_ip(host)
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=self._timeout, maxsize=1, retries=False,
            cert_reqs="CERT_REQUIRED", ca_certs=self._ca_bundle,
            server_hostname=None if literal else host, assert_hostname=host,
        )  # fmt: skip


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _describe(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return "timeout: no connection"
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError) or "timed out" in str(reason):
        return "timeout: no answer"
    if isinstance(reason, urllib3.exceptions.SSLError):
        return f"tls: {reason}"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or unreachable"
    return f"{type(reason).__name__}: {reason}"
