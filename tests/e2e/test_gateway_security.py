"""Issue 9, items 1, 5 and 8 through the real gateway: client addresses behind a proxy, no token in any log,
and what the gateway tells strangers.

In front of the gateway runs a second nginx (the "load balancer"), connecting from 127.0.0.2, which the
gateway is configured to trust (GATEWAY_TRUSTED_PROXIES). Two clients reach that proxy from their own source
addresses, 127.0.0.3 (A, the attacker) and 127.0.0.4 (B); the proxy adds each one's address to
X-Forwarded-For as ingress controllers do. A third client, 127.0.0.5, talks to the gateway directly, an
untrusted peer. None of them is the machine itself (127.0.0.1, an operator natively), so all are strangers.

Run with `-s` to see the headers and counts this module prints as evidence.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from hospital_testing import free_port
from tests.e2e.browser import BrowserSession, FromAddress, token_in, wait_for_mail
from tests.e2e.openapi_validation import validated_session
from tests.e2e.stack import PrivateRedis, StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "tangerine lighthouse 42"
NEW_PASSWORD = "violet harbour crane 7"
WRONG_PASSWORD = "not the password at all"
PROXY_PEER, CLIENT_A, CLIENT_B, UNTRUSTED_PEER = "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"
# Set low for the test, so Auth-MS's own per-address limit is reached within the 30 attempts too.
ADDRESS_MAX_FAILURES = 10


def client(base_url: str, *, source: str, origin: str) -> BrowserSession:
    """A browser at `source`; its Origin is the site's, which the gateway (through a proxy too) serves."""
    browser = BrowserSession(base_url)
    browser.http.mount("http://", FromAddress(source))
    browser.http.headers["Origin"] = origin
    return browser


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackUnderTest]:
    """This module's own stack: the gateway trusts the proxy's address, Auth-MS locks an address sooner."""
    root = tmp_path_factory.mktemp("security-stack")
    (root / "redis").mkdir()
    redis_server = PrivateRedis(root / "redis")
    redis_server.start()
    test_stack = StackUnderTest(directory=root / "state", redis=redis_server)
    test_stack.env |= {
        "GATEWAY_TRUSTED_PROXIES": PROXY_PEER,
        "LOGIN_IP_MAX_FAILURES": str(ADDRESS_MAX_FAILURES),
    }
    try:
        test_stack.run("up")
        yield test_stack
    finally:
        test_stack.run("down", "--drop-databases", check=False)
        redis_server.stop()


@pytest.fixture(scope="module")
def proxy(stack: StackUnderTest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second nginx in front of the gateway, adding the client's address to X-Forwarded-For."""
    directory = tmp_path_factory.mktemp("front-proxy")
    port = free_port()
    temp_paths = "".join(
        f"    {kind}_temp_path {directory};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (directory / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp_paths}    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{stack.gateway_port};
            proxy_bind {PROXY_PEER};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
    )
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", str(directory / "nginx.conf"), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.get(url + "/api/v1/auth/healthz", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                nginx.terminate()
                raise
            time.sleep(0.05)
    yield url
    nginx.terminate()
    nginx.wait(timeout=10)


def unique_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@example.org"


def access_log(stack: StackUnderTest) -> list[dict[str, Any]]:
    lines = (stack.directory / "logs" / "nginx-access.log").read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def wait_for_log_line(stack: StackUnderTest, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for entry in access_log(stack):
            if entry["request_id"] == request_id:
                return entry
        time.sleep(0.1)
    raise AssertionError(f"no access log line for request {request_id}")


# --------------------------------------------------------------------------- item 1: addresses behind a proxy


def test_thirty_failed_sign_ins_from_one_client_do_not_stop_another_behind_the_same_proxy(
    stack: StackUnderTest, proxy: str
) -> None:
    b_address = unique_email("bea")
    client(proxy, source=CLIENT_B, origin=stack.url).register(b_address, PASSWORD, "Bea Lund")
    attacker = client(proxy, source=CLIENT_A, origin=stack.url)
    statuses = [
        attacker.post(
            "/api/v1/auth/login", json={"email": unique_email("victim"), "password": WRONG_PASSWORD}
        ).status_code
        for _ in range(30)
    ]
    print(f"\nclient A ({CLIENT_A}) through the proxy, 30 failed sign-ins: {statuses}")
    assert set(statuses) <= {401, 429}
    assert 429 in statuses  # A's own address is limited ...
    b = client(proxy, source=CLIENT_B, origin=stack.url)
    signed_in = b.post("/api/v1/auth/login", json={"email": b_address, "password": PASSWORD})
    print(f"client B ({CLIENT_B}) through the same proxy signs in: {signed_in.status_code}")
    assert signed_in.status_code == 200, signed_in.text  # ... and B's is not
    wait_for_log_line(stack, signed_in.headers["X-Request-ID"])
    seen = {entry["remote"] for entry in access_log(stack) if entry["uri"] == "/api/v1/auth/login"}
    print(f"client addresses in the gateway's access log for /api/v1/auth/login: {sorted(seen)}")
    assert {CLIENT_A, CLIENT_B} <= seen
    assert PROXY_PEER not in seen


def test_a_client_cannot_hide_behind_an_x_forwarded_for_it_sends_itself(
    stack: StackUnderTest, proxy: str
) -> None:
    """Through the trusted proxy, a forged first entry is not believed: the proxy's own entry is."""
    sneaky = client(proxy, source="127.0.0.6", origin=stack.url)
    answer = sneaky.get("/api/v1/auth/healthz", headers={"X-Forwarded-For": "198.51.100.77"})
    entry = wait_for_log_line(stack, answer.headers["X-Request-ID"])
    assert entry["remote"] == "127.0.0.6"


def test_a_spoofed_x_forwarded_for_from_an_untrusted_peer_changes_nothing(
    stack: StackUnderTest, proxy: str
) -> None:
    b_address = unique_email("bo")
    client(proxy, source=CLIENT_B, origin=stack.url).register(b_address, PASSWORD, "Bo Sand")
    spoofer = client(stack.url, source=UNTRUSTED_PEER, origin=stack.url)
    spoofed = {"X-Forwarded-For": CLIENT_B}
    statuses = [
        spoofer.post(
            "/api/v1/auth/login",
            json={"email": unique_email("victim"), "password": WRONG_PASSWORD},
            headers=spoofed,
        ).status_code
        for _ in range(30)
    ]
    print(f"\nuntrusted peer {UNTRUSTED_PEER} claiming X-Forwarded-For {CLIENT_B}, 30 failures: {statuses}")
    assert 429 in statuses  # the limits fell on the real peer
    last = wait_for_log_line(
        stack, spoofer.get("/api/v1/auth/healthz", headers=spoofed).headers["X-Request-ID"]
    )
    assert last["remote"] == UNTRUSTED_PEER
    b = client(proxy, source=CLIENT_B, origin=stack.url)
    signed_in = b.post("/api/v1/auth/login", json={"email": b_address, "password": PASSWORD})
    print(f"client B through the proxy signs in: {signed_in.status_code}")
    assert signed_in.status_code == 200, signed_in.text


# --------------------------------------------------------------------------- item 8: what strangers are told


def test_readiness_through_the_gateway_tells_a_stranger_only_ready_and_no_replica_names(
    stack: StackUnderTest, proxy: str
) -> None:
    stranger = validated_session(proxy)
    stranger.mount("http://", FromAddress(CLIENT_A))
    for area in ("auth", "patients", "doctors", "appointments"):
        ready = stranger.get(f"{proxy}/api/v1/{area}/readyz", timeout=10)
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok"}, ready.text
        assert "X-Served-By" not in ready.headers
        assert stranger.get(f"{proxy}/api/v1/{area}/healthz", timeout=10).json() == {"status": "ok"}
    print(f"\nstranger GET /api/v1/auth/readyz: {ready.status_code} {ready.text.strip()}")
    print(f"stranger's response headers: {dict(ready.headers)}")
    # The stack's own checks, on the service's port, still get every check.
    direct = requests.get(f"http://127.0.0.1:{stack.ports['auth']}/readyz", timeout=10).json()
    assert set(direct["checks"]) >= {"database", "redis", "migrations"}
    directory = stranger.get(f"{proxy}/api/v1/doctors", timeout=10)
    assert directory.status_code == 200, directory.text
    assert "X-Served-By" not in directory.headers  # a replica's name is not the public's business
    operator = stack.get("/api/v1/doctors")  # this machine, the stack's own
    assert operator.headers["X-Served-By"] == "doctor"


def test_a_signed_in_admin_is_told_the_replica_and_a_patient_is_not(
    stack: StackUnderTest, proxy: str
) -> None:
    admin_address = unique_email("alma")
    stack.run("admin", "--email", admin_address, "--password", PASSWORD)
    admin = client(proxy, source="127.0.0.7", origin=stack.url).login(admin_address, PASSWORD)
    patient = client(proxy, source="127.0.0.8", origin=stack.url)
    patient.register(unique_email("paul"), PASSWORD, "Paul Berg")
    assert admin.get("/api/v1/auth/me").headers["X-Served-By"] == "auth"
    assert "X-Served-By" not in patient.get("/api/v1/auth/me").headers


def test_a_not_ready_service_names_no_internal_host_to_a_stranger(stack: StackUnderTest, proxy: str) -> None:
    stranger = validated_session(proxy)
    stranger.mount("http://", FromAddress(CLIENT_A))
    stack.redis.stop()
    try:
        answer = stranger.get(f"{proxy}/api/v1/auth/readyz", timeout=10)
        direct = requests.get(f"http://127.0.0.1:{stack.ports['auth']}/readyz", timeout=10)
    finally:
        stack.redis.start()
    print(f"\nRedis down, stranger GET /api/v1/auth/readyz: {answer.status_code} {answer.text.strip()}")
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "checks" not in answer.json()
    assert str(stack.redis.port) not in answer.text and "127.0.0.1" not in answer.text
    assert (
        direct.status_code == 503 and "redis" in direct.json()["checks"]
    )  # the stack's check still says why


def test_the_app_and_the_api_docs_carry_their_csp_and_the_docs_answer_without_a_redirect(
    stack: StackUnderTest, proxy: str
) -> None:
    page = requests.get(f"{proxy}/", timeout=10)
    docs = requests.get(f"{proxy}/api/docs/", timeout=10)
    bare = requests.get(f"{proxy}/api/docs", timeout=10, allow_redirects=False)
    print(f"\nGET / headers: {dict(page.headers)}")
    print(f"GET /api/docs/ headers: {dict(docs.headers)}")
    print(f"GET /api/docs: {bare.status_code} Location: {bare.headers.get('Location')}")
    for answer in (page, docs, bare):
        assert answer.status_code == 200
        csp = dict(d.strip().split(" ", 1) for d in answer.headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'"
        assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in answer.headers  # a local run over plain http
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", docs.text) == []  # no inline script to allow
    assert bare.text == docs.text  # the page itself: no redirect to leave the public host for


# --------------------------------------------------------------------------- item 5: no token in any log


def _mailed_token(stack: StackUnderTest, to: str, subject: str = "") -> str:
    return token_in(wait_for_mail(stack.directory / "mail", to=to, subject=subject))


def test_no_one_time_token_and_no_password_reaches_any_log(stack: StackUnderTest, proxy: str) -> None:
    """Registration, verification, reset and invitation with their tokens, then every log file is searched.

    The links are also opened as a browser would open an old-style link (token in the query string), so the
    gateway sees each token in a request line at least once.
    """
    origin = stack.url
    tokens: dict[str, str] = {}
    patient_address = unique_email("petra")
    patient = client(proxy, source=CLIENT_B, origin=origin).register(patient_address, PASSWORD, "Petra Holm")
    tokens["verification"] = _mailed_token(stack, patient_address, "confirm")
    patient.get(f"/verify-email?token={tokens['verification']}")
    # A service may be sent a query string too (anything a client puts there): it logs the path only.
    assert patient.get(f"/api/v1/auth/me?token={tokens['verification']}").status_code == 200
    verified = patient.post("/api/v1/auth/email/verify", json={"token": tokens["verification"]})
    assert verified.status_code in (204, 409), verified.text

    forgot = client(proxy, source=CLIENT_B, origin=origin)
    assert forgot.post("/api/v1/auth/password/forgot", json={"email": patient_address}).status_code == 202
    tokens["reset"] = _mailed_token(stack, patient_address, "reset")
    forgot.get(f"/reset-password?token={tokens['reset']}")
    reset = forgot.post(
        "/api/v1/auth/password/reset", json={"token": tokens["reset"], "new_password": NEW_PASSWORD}
    )
    assert reset.status_code in (200, 204), reset.text
    client(proxy, source=CLIENT_B, origin=origin).login(patient_address, NEW_PASSWORD)

    admin_address = unique_email("ada")
    stack.run("admin", "--email", admin_address, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_address, PASSWORD)
    doctor_address = unique_email("dora")
    invited = admin.post(
        "/api/v1/auth/users", json={"email": doctor_address, "full_name": "Dr. Dora Vik", "role": "doctor"}
    )
    assert invited.status_code == 201, invited.text
    tokens["invitation"] = _mailed_token(stack, doctor_address)
    doctor = BrowserSession(stack.url)
    doctor.get(f"/set-password?token={tokens['invitation']}")
    accepted = doctor.post(
        "/api/v1/auth/password/reset", json={"token": tokens["invitation"], "new_password": PASSWORD}
    )
    assert accepted.status_code in (200, 204), accepted.text
    BrowserSession(stack.url).login(doctor_address, PASSWORD)

    time.sleep(1)  # the last lines reach their files
    secrets = {**tokens, "password": PASSWORD, "new password": NEW_PASSWORD, "wrong password": WRONG_PASSWORD}
    found, searched = secrets_in_logs(stack.directory / "logs", secrets)
    print(f"\nsearched {len(searched)} log files ({', '.join(sorted(p.name for p in searched))})")
    print(f"for {len(secrets)} secrets ({', '.join(secrets)}): {found or 'none found'}")
    assert len(searched) >= 5 and any(p.name == "nginx-access.log" for p in searched)
    assert found == {}


def secrets_in_logs(log_dir: Path, secrets: dict[str, str]) -> tuple[dict[str, list[str]], list[Path]]:
    """Which secrets occur (as text, or URL-encoded) in which log files under log_dir."""
    searched = sorted(path for path in log_dir.rglob("*") if path.is_file())
    found: dict[str, list[str]] = {}
    for path in searched:
        text = path.read_text(errors="replace")
        for name, secret in secrets.items():
            if secret in text or requests.utils.quote(secret) in text or secret.replace(" ", "+") in text:
                found.setdefault(name, []).append(path.name)
    return found, searched


# --------------------------------------------------------------------------- the same search over a whole run

TOKEN_IN_MAIL = re.compile(rb"token=([A-Za-z0-9_\-]{16,})")
PASSWORD_IN_TESTS = re.compile(r"""(?:PASSWORD\w*\s*=\s*|["']password["']\s*:\s*)["']([^"'\n]{8,72})["']""")


def secrets_of_a_run(roots: list[Path], tests_dir: Path) -> dict[str, str]:
    """Every token mailed by any stack under roots, and every password literal the tests use."""
    secrets: dict[str, str] = {}
    for mail in (path for root in roots for path in root.rglob("*.eml")):
        for token in TOKEN_IN_MAIL.findall(mail.read_bytes()):
            secrets[f"token from {mail.name}"] = token.decode()
    for source in tests_dir.rglob("*.py"):
        for password in PASSWORD_IN_TESTS.findall(source.read_text(errors="replace")):
            secrets[f"password {password[:3]}… of {source.name}"] = password
    return secrets


def main(argv: list[str]) -> int:
    """Search every log of a whole e2e run for every mailed token and every test password.

    PYTEST_ADDOPTS=--basetemp=/tmp/e2e-run make e2e
    .venv/bin/python -m tests.e2e.test_gateway_security /tmp/e2e-run
    """
    if not argv:
        print("usage: python -m tests.e2e.test_gateway_security BASETEMP_DIR...", file=sys.stderr)
        return 2
    roots = [Path(arg) for arg in argv]
    secrets = secrets_of_a_run(roots, Path(__file__).resolve().parents[1])
    found: dict[str, list[str]] = {}
    files: list[Path] = []
    for log_dir in (path for root in roots for path in root.rglob("logs") if path.is_dir()):
        hits, searched = secrets_in_logs(log_dir, secrets)
        files += searched
        for name, where in hits.items():
            found.setdefault(name, []).extend(str(log_dir / w) for w in where)
    tokens = sum(name.startswith("token") for name in secrets)
    print(f"searched {len(files)} log files under {', '.join(map(str, roots))}")
    print(f"for {tokens} mailed tokens and {len(secrets) - tokens} test passwords: {found or 'none found'}")
    return 1 if found or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
