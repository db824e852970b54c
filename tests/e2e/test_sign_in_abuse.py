"""Issue 9, items 2 and 3 through the real gateway: an attacker's failed sign-ins do not lock a doctor out,
and a revocation ends the doctor's sessions at the gateway at once.

The attacker and the doctor connect from different loopback source addresses (127.0.0.3 and 127.0.0.4), so
the gateway sees two client addresses, as it would two machines. The finer cases (a guess once a minute for
ten minutes with the clock moved forward, IPv6 /64 grouping, 200-round races) are integration tests of
Auth-MS: services/auth/tests/integration/test_sign_in_abuse.py and test_revocation_races.py.
"""

from __future__ import annotations

import time
import uuid

import pytest

from tests.e2e.browser import BrowserSession, FromAddress, token_in, wait_for_mail
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "quartz meadow lantern 9"
ATTACKER, DOCTOR, ADMIN = "127.0.0.3", "127.0.0.4", "127.0.0.5"


def browser_at(stack: StackUnderTest, source: str) -> BrowserSession:
    browser = BrowserSession(stack.url)
    browser.http.mount("http://", FromAddress(source))
    return browser


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = f"admin-{uuid.uuid4().hex[:8]}@hospital.test"
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return browser_at(stack, ADMIN).login(address, PASSWORD)


@pytest.fixture(scope="module")
def doctor(stack: StackUnderTest, admin: BrowserSession) -> dict[str, str]:
    """A doctor invited by the admin, with a password set from the mailed link."""
    address = f"doctor-{uuid.uuid4().hex[:8]}@hospital.test"
    created = admin.post(
        "/api/v1/auth/users", json={"email": address, "full_name": "Dr. Ines Hart", "role": "doctor"}
    )
    assert created.status_code == 201, created.text
    token = token_in(wait_for_mail(stack.directory / "mail", to=address))
    reset = browser_at(stack, DOCTOR).post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": PASSWORD}
    )
    assert reset.status_code == 204, reset.text
    return {"email": address, "id": created.json()["id"]}


def _fail_until_counted(attacker: BrowserSession, email: str, *, failures: int) -> list[int]:
    """Wrong passwords, waiting out every lock, until `failures` of them were really checked (401)."""
    statuses: list[int] = []
    while statuses.count(401) < failures:
        answer = attacker.post(
            "/api/v1/auth/login", json={"email": email, "password": f"guess {len(statuses)}"}
        )
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            time.sleep(min(int(answer.headers.get("Retry-After", "1")), 10))
    return statuses


def test_a_doctor_signs_in_through_the_gateway_after_an_attackers_failures(
    stack: StackUnderTest, doctor: dict[str, str]
) -> None:
    browser_at(stack, DOCTOR).login(doctor["email"], PASSWORD)  # her usual address from now on
    attacker = browser_at(stack, ATTACKER)
    statuses = _fail_until_counted(attacker, doctor["email"], failures=8)
    print(f"\nattacker from {ATTACKER} (waiting out each Retry-After): {statuses}")
    assert statuses.count(401) == 8 and 429 in statuses
    # The account is now in its longest wait yet (8 s): the attacker is refused, even with the password.
    refused = attacker.post("/api/v1/auth/login", json={"email": doctor["email"], "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0

    signed_in = browser_at(stack, DOCTOR).post(
        "/api/v1/auth/login", json={"email": doctor["email"], "password": PASSWORD}
    )
    print(f"the doctor from {DOCTOR} right after: {signed_in.status_code}")
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["role"] == "doctor"


def test_a_disable_ends_the_doctors_sessions_at_the_gateway_and_re_enabling_lets_her_sign_in(
    stack: StackUnderTest, admin: BrowserSession, doctor: dict[str, str]
) -> None:
    sessions = [browser_at(stack, DOCTOR).login(doctor["email"], PASSWORD) for _ in range(3)]
    assert all(s.get("/api/v1/auth/me").status_code == 200 for s in sessions)
    assert admin.post(f"/api/v1/auth/users/{doctor['id']}/disable").status_code == 200
    assert [s.get("/api/v1/auth/me").status_code for s in sessions] == [401, 401, 401]
    assert admin.post(f"/api/v1/auth/users/{doctor['id']}/enable").status_code == 200
    again = browser_at(stack, DOCTOR).login(doctor["email"], PASSWORD)
    assert again.get("/api/v1/auth/me").status_code == 200
    assert [s.get("/api/v1/auth/me").status_code for s in sessions] == [401, 401, 401]
