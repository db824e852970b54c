"""A user as the SPA is one: a cookie jar, the site's Origin, and the CSRF token on unsafe requests.

Every answer it gets is checked against its service's OpenAPI document (tests/e2e/openapi_validation.py).
"""

from __future__ import annotations

import email
import re
import time
from email.message import Message
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tests.e2e import openapi_validation

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class FromAddress(HTTPAdapter):
    """Connections from a chosen loopback source address, as if from another machine."""

    def __init__(self, source: str) -> None:
        self._source = (source, 0)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = self._source
        super().init_poolmanager(*args, **kwargs)


class BrowserSession:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Origin"] = base_url
        self.csrf_token = ""
        self.user: dict[str, Any] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if method.upper() in UNSAFE and self.csrf_token:
            headers.setdefault("X-CSRF-Token", self.csrf_token)
        response = self.http.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)
        for answer in (*response.history, response):
            openapi_validation.check(answer, gateway_url=self.base_url)
        if response.content and response.headers.get("Content-Type", "").startswith("application/json"):
            body = response.json()
            if response.ok and isinstance(body, dict) and "csrf_token" in body:
                self.csrf_token, self.user = body["csrf_token"], body
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def register(self, email_address: str, password: str, full_name: str) -> BrowserSession:
        response = self.post(
            "/api/v1/auth/register",
            json={"email": email_address, "password": password, "full_name": full_name},
        )
        assert response.status_code == 201, response.text
        return self

    def login(self, email_address: str, password: str) -> BrowserSession:
        response = self.post("/api/v1/auth/login", json={"email": email_address, "password": password})
        assert response.status_code == 200, response.text
        return self


def wait_for_mail(mail_dir: Path, *, to: str, timeout: float = 15, subject: str = "") -> Message:
    """The newest .eml in the stack's mail sink addressed to `to` (and with `subject` in its subject)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes())
            if to in message.get("To", "") and subject.lower() in message.get("Subject", "").lower():
                return message
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} in {mail_dir}")


def token_in(message: Message) -> str:
    body = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    text = body.get_content() if body is not None else str(message.get_payload(decode=True), "utf-8")
    match = re.search(r"token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)
