"""Issue 10, server-to-server access, through the real gateway: an admin issues scoped API keys; a key is a
whole credential (no CSRF), checked by the same auth_request as sessions, revoked at once, limited per minute
with RateLimit-* headers and a 429 with Retry-After; its secret is in no database row and no log."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.e2e import openapi_validation
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest
from tests.e2e.test_gateway_security import secrets_in_logs

PASSWORD = "tangerine lighthouse 42"


class Integration:
    """A partner's server: no cookies, no Origin, just `Authorization: Bearer <secret>`."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url
        self.secret = secret

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        response = requests.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)
        openapi_validation.check(response, gateway_url=self.base_url)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """The module's stack (tests/e2e/conftest.py) gets the demo data (a cardiologist with free slots)."""
    return {"SEED_DEMO": "1"}


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = f"ada-{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


@pytest.fixture(scope="module")
def issued_secrets() -> list[str]:
    return []


@pytest.fixture
def new_key(admin: BrowserSession, issued_secrets: list[str]) -> Iterator[Any]:
    def issue(scopes: list[str], **body: Any) -> dict[str, Any]:
        answer = admin.post("/api/v1/auth/api-keys", json={"name": "Partner", "scopes": scopes, **body})
        assert answer.status_code == 201, answer.text
        issued_secrets.append(answer.json()["secret"])
        return answer.json()

    yield issue


def test_a_slots_read_key_finds_slots_and_cannot_book(stack: StackUnderTest, new_key) -> None:
    key = new_key(["slots:read"])
    partner = Integration(stack.url, key["secret"])

    slots = partner.get("/api/v1/slots?specialization=cardiology")
    assert slots.status_code == 200, slots.text
    assert slots.headers["RateLimit-Limit"] == "600"
    assert slots.json()["items"], "the demo cardiologist has free slots"
    slot = slots.json()["items"][0]
    booking = partner.post(
        "/api/v1/appointments",
        json={"doctor_id": slot["doctor_id"], "start": slot["start"], "reason": "Check-up"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )

    # The booking refusal comes from Appointment-MS's scope check (appointments:write, the webhooks
    # helper's part); without it the role-guarded route refuses every integration with 403 just the same.
    assert booking.status_code == 403, booking.text
    assert booking.headers["Content-Type"].startswith("application/problem+json")


def test_a_directory_read_key_reads_the_directory_and_a_key_without_it_is_403(
    stack: StackUnderTest, new_key
) -> None:
    reader = Integration(stack.url, new_key(["directory:read"])["secret"])
    other = Integration(stack.url, new_key(["slots:read"])["secret"])

    assert reader.get("/api/v1/doctors/specializations").status_code == 200
    refused = other.get("/api/v1/doctors/specializations")
    assert refused.status_code == 403 and "directory:read" in refused.json()["detail"]
    assert stack.get("/api/v1/doctors/specializations").status_code == 200


def test_admin_and_patient_routes_stay_closed_to_any_key(stack: StackUnderTest, new_key) -> None:
    everything = ["directory:read", "slots:read", "patients:write", "appointments:read", "appointments:write"]
    partner = Integration(stack.url, new_key(everything)["secret"])

    assert partner.get("/api/v1/auth/users").status_code == 403
    assert partner.get("/api/v1/auth/api-keys").status_code == 403
    assert partner.get("/api/v1/patients/").status_code == 403
    assert partner.get("/api/v1/auth/me").status_code in (401, 403)


def test_a_key_needs_no_csrf_and_registers_its_own_patient(stack: StackUnderTest, new_key) -> None:
    partner = Integration(stack.url, new_key(["patients:write"])["secret"])
    address = f"p-{uuid.uuid4().hex[:6]}@example.org"

    created = partner.post(
        "/api/v1/auth/integrations/patients", json={"email": address, "full_name": "Pia Partner"}
    )

    assert created.status_code == 201, created.text  # an unsafe call with no X-CSRF-Token and no Origin
    assert created.json()["role"] == "patient"


def test_a_revoked_key_is_refused_on_the_next_call(stack: StackUnderTest, admin, new_key) -> None:
    key = new_key(["slots:read"])
    partner = Integration(stack.url, key["secret"])
    assert partner.get("/api/v1/slots?specialization=cardiology").status_code == 200

    assert admin.delete(f"/api/v1/auth/api-keys/{key['id']}").status_code == 204
    refused = partner.get("/api/v1/slots?specialization=cardiology")

    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert "API key" in refused.json()["detail"]
    unknown = Integration(stack.url, "hsk_" + "x" * 43).get("/api/v1/doctors/specializations")
    assert unknown.status_code == 401 and unknown.json() == refused.json()


def test_over_its_limit_a_key_gets_429_with_retry_after(stack: StackUnderTest, new_key) -> None:
    partner = Integration(stack.url, new_key(["slots:read"], rate_limit_per_minute=3)["secret"])
    # Start early in a minute, so the three calls and the fourth fall in one window.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)

    answers = [partner.get("/api/v1/slots?specialization=cardiology") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429], [a.text for a in answers]
    assert [a.headers.get("RateLimit-Remaining") for a in answers[:3]] == ["2", "1", "0"]
    limited = answers[3]
    assert limited.headers["Content-Type"].startswith("application/problem+json")
    assert limited.json()["status"] == 429 and "API key" in limited.json()["detail"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["RateLimit-Limit"] == "3" and limited.headers["RateLimit-Remaining"] == "0"


def test_a_cookie_and_a_key_at_once_are_a_400(stack: StackUnderTest, admin, new_key) -> None:
    secret = new_key(["slots:read"])["secret"]
    both = admin.get("/api/v1/slots?specialization=cardiology", headers={"Authorization": f"Bearer {secret}"})
    assert both.status_code == 400
    assert both.headers["Content-Type"].startswith("application/problem+json")


def test_sessions_get_no_rate_limit_headers(stack: StackUnderTest, admin) -> None:
    answer = admin.get("/api/v1/auth/me")
    assert answer.status_code == 200 and "RateLimit-Limit" not in answer.headers


def test_no_secret_reaches_the_database_or_any_log(stack: StackUnderTest, issued_secrets) -> None:
    """Runs last in this module: every key issued above is searched for in the auth database and the logs."""
    assert issued_secrets, "the tests above issued keys"
    time.sleep(1)  # the last lines reach their files
    secrets = {f"key {n}": secret for n, secret in enumerate(issued_secrets)}
    found, searched = secrets_in_logs(stack.directory / "logs", secrets)
    print(f"\nsearched {len(searched)} log files for {len(secrets)} API key secrets: {found or 'none found'}")
    assert len(searched) >= 5 and any(p.name == "nginx-access.log" for p in searched)
    assert found == {}
    database = f"{stack.env['DB_PREFIX']}auth"
    engine = create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}")
    try:
        with engine.connect() as connection:
            tables = (
                connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                .scalars()
                .all()
            )
            dump = "\n".join(
                row
                for table in tables
                # table names come from pg_tables, not from a client
                for row in connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()  # noqa: S608
            )
    finally:
        engine.dispose()
    assert "api_keys" in tables
    assert [name for name, secret in secrets.items() if secret in dump or secret[4:] in dump] == []
