"""Fixtures: a migrated throw-away database, Redis database 11, a real SMTP server on loopback, an adjustable
clock, and a `gateway` client that does what nginx does (auth_request to /internal/verify, then forward)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from auth_service import SERVICE_DIR
from auth_service.adapters.http.app import create_app
from auth_service.config import Settings
from auth_service.domain.users import User
from auth_service.service_layer.admin import create_or_reset_admin
from hospital_shared.clock import SystemClock
from hospital_testing import (
    INTERNAL_TOKEN,
    app_fixture,
    client_fixture,
    database_fixture,
    free_port,
    make_settings,
    redis_url,
)
from hospital_testing.mail_sink import MailboxHandler, start_sink

AUTH_TABLES = ("users", "one_time_tokens", "external_identities", "api_keys", "account_outbox")
REDIS_URL = redis_url("auth")
TOKEN = INTERNAL_TOKEN
PUBLIC_BASE_URL = "https://hospital.test"
ORIGIN = "https://hospital.test"
PASSWORD = "correct horse battery"


class AdjustableClock(SystemClock):
    """The real time plus an offset a test can move forward (the server's own notion of "now")."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


database_url = database_fixture("auth", SERVICE_DIR)


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[int, MailboxHandler]]:
    port = free_port()
    controller, handler = start_sink(host="127.0.0.1", port=port)
    yield port, handler
    controller.stop()


@pytest.fixture
def mailbox(smtp: tuple[int, MailboxHandler]) -> MailboxHandler:
    smtp[1].messages.clear()
    return smtp[1]


@pytest.fixture
def clock() -> AdjustableClock:
    return AdjustableClock()


@pytest.fixture
def oidc_settings() -> dict[str, Any]:
    """Overridden by the Google sign-in tests to point Auth-MS at a test provider."""
    return {}


@pytest.fixture
def settings(database_url: str, smtp: tuple[int, MailboxHandler], oidc_settings: dict[str, Any]) -> Settings:
    return make_settings(
        Settings,
        service="auth",
        database_url=database_url,
        public_base_url=PUBLIC_BASE_URL,
        smtp_url=f"smtp://127.0.0.1:{smtp[0]}",
        mail_in_background=False,
        bcrypt_rounds=4,  # the default (12) is tested once; the rest of the suite stays fast
        spa_url="/app/",
        **oidc_settings,
    )


def build(settings: Settings, clock: AdjustableClock, mailbox: MailboxHandler) -> Flask:
    """The app on the test's clock (and a mailbox emptied for the test)."""
    return create_app(settings, clock=clock)


app = app_fixture(build, tables=AUTH_TABLES, reset_first=True)
client = client_fixture()


@pytest.fixture
def redis_db(app: Flask) -> redis.Redis:
    return app.extensions["container"].redis


REQUIRED_PREFIXES = ("/api/v1/patients/", "/api/v1/appointments/")


class Gateway:
    """Behaves like the nginx gateway: asks /internal/verify first, answers its 401/403 itself, else forwards
    the request with the internal token and the identity headers (client-sent copies dropped)."""

    def __init__(self, client: FlaskClient, *, client_address: str = "192.0.2.10") -> None:
        self.client = client
        self.client_address = client_address
        self.last_verify: TestResponse | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        csrf: str | None = None,
        origin: str | None = ORIGIN,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        browser = dict(headers or {})
        if origin is not None:
            browser["Origin"] = origin
        if csrf is not None:
            browser["X-CSRF-Token"] = csrf
        mode = "required" if path.startswith(REQUIRED_PREFIXES) else "optional"
        verify_headers = {
            "X-Internal-Token": TOKEN,
            "X-Original-Method": method,
            "X-Original-URI": path,
            **{
                k: v
                for k, v in browser.items()
                if k in {"Origin", "Sec-Fetch-Site", "X-CSRF-Token", "Authorization"}
            },
        }
        verdict = self.client.get(f"/internal/verify?mode={mode}", headers=verify_headers)
        self.last_verify = verdict
        if verdict.status_code != 204:
            return verdict
        dropped = {"x-user-id", "x-user-role", "x-user-scopes", "authorization"}
        upstream = {k: v for k, v in browser.items() if k.lower() not in dropped}
        upstream["X-Internal-Token"] = TOKEN
        upstream["X-Forwarded-For"] = self.client_address
        for name in ("X-User-Id", "X-User-Role", "X-User-Scopes"):
            if name in verdict.headers:
                upstream[name] = verdict.headers[name]
        return self.client.open(path, method=method, json=json, headers=upstream)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)

    def session_cookie(self, name: str = "hospital_session") -> str | None:
        cookie = self.client.get_cookie(name)
        return cookie.value if cookie else None

    def register(
        self, email: str = "ann@example.org", password: str = PASSWORD, full_name: str = "Ann"
    ) -> TestResponse:
        return self.post(
            "/api/v1/auth/register", json={"email": email, "password": password, "full_name": full_name}
        )

    def login(self, email: str, password: str = PASSWORD, **kwargs: Any) -> TestResponse:
        return self.post("/api/v1/auth/login", json={"email": email, "password": password}, **kwargs)


@pytest.fixture
def gateway(app: Flask) -> Gateway:
    return Gateway(app.test_client())


@pytest.fixture
def another_browser(app: Flask) -> Gateway:
    return Gateway(app.test_client())


def create_admin(app: Flask, email: str, *, password: str = PASSWORD) -> tuple[User, bool]:
    """The operator's CLI way to an admin account (create, or reset an existing one)."""
    ports = app.extensions["container"].ports
    return create_or_reset_admin(
        ports.uow(),
        email=email,
        password=password,
        hasher=ports.hasher,
        clock=ports.clock,
        sessions=ports.sessions,
    )


def link_in(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


def token_in(message: Any) -> str:
    return link_in(message).split("token=", 1)[1]
