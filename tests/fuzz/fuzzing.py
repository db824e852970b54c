"""Schemathesis against each service's OpenAPI document, through a real gateway, once per kind of caller.

A private stack (tests/e2e/stack.py, demo data on) is signed in as anonymous, the demo patient, doctor and
admin (session cookie, the SPA's Origin, X-CSRF-Token) and as an API key with every scope (Bearer). Every
operation of every spec gets positive and negative generated requests as each caller; each answer is checked
for 5xx, its status code, content type, headers and body against the spec. Failures are kept once per
distinct message. `make test` runs it bounded (tests/fuzz/test_schemathesis.py), `make fuzz` longer
(python -m tests.fuzz).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.stack import PrivateRedis, StackUnderTest

AREAS = ("auth", "patients", "doctors", "appointments")
# Admin last: its fuzzing may disable, re-role or sign out the demo patient and doctor, who are done by then.
ROLES = ("anonymous", "patient", "doctor", "api-key", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DEMO_PASSWORD = "demo-password-1"  # the published demo credentials (auth_service.service_layer.admin)
DEMO_EMAILS = {
    "patient": "patient@demo.hospital.test",
    "doctor": "doctor@demo.hospital.test",
    "admin": "admin@demo.hospital.test",
}
SESSION_COOKIE = "hospital_session"
CREDENTIAL_HEADERS = {"x-csrf-token", "authorization", "cookie"}
SCOPES = ["appointments:read", "appointments:write", "directory:read", "patients:write", "slots:read"]

# Operations that would end the fuzzing caller's own sign-in (or lock it behind a second factor) part way:
# they are left out, and each has its own e2e tests. After every service the caller's sign-in is checked
# (Session.still_signed_in), so an operation that ends it without being listed here fails the run.
SESSION_ENDING = frozenset(
    {
        "authPostLogout",
        "authPostLogoutEverywhere",
        "authPostChangePassword",  # revokes every other session and rotates the caller's
        "authDeleteMySession",  # the caller's own session id is listed by GET /sessions
        "mfaPostTotpEnrolment",
        "mfaPostTotpConfirmation",  # a confirmed second factor changes how the caller signs in
        "mfaPostTotpRemoval",
        "mfaPostLoginEnrolment",
    }
)
# Operations that send mail: a few examples each, so the stack's local SMTP sink is not flooded.
MAILING = frozenset(
    {
        "authPostRegister",
        "authPostForgotPassword",
        "usersPostUsers",  # an invitation to set a password
        "integrationsPostIntegrationPatients",
    }
)
MAIL_EXAMPLES = 2
SUMMARY: list[str] = []  # one line per service and caller of this run, printed by tests/fuzz/conftest.py


@dataclass
class Caller:
    """Who the requests come from: the headers every request of theirs carries."""

    role: str
    headers: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)
    user_id: str = ""

    def credentials_over(self, case: Any) -> None:
        """A signed-in caller's own credentials replace those schemathesis made up from the spec's schemes."""
        if self.role == "anonymous":
            return  # made-up cookies, CSRF tokens and keys are what an anonymous caller may send
        for name in [n for n in case.headers or {} if n.lower() in CREDENTIAL_HEADERS]:
            del case.headers[name]
        for name in [n for n in case.cookies or {} if n == SESSION_COOKIE]:
            del case.cookies[name]

    def still_signed_in(self, base_url: str) -> bool:
        if self.role == "anonymous":
            return True
        path = "/api/v1/doctors?page_size=1" if self.role == "api-key" else "/api/v1/auth/me"
        answer = requests.get(base_url + path, headers=self.headers, cookies=self.cookies, timeout=10)
        return answer.status_code == 200


@dataclass
class Failure:
    area: str
    role: str
    operation: str
    mode: str
    message: str
    request: str
    request_id: str = ""  # a 5xx names it; the service's log has the traceback under it
    trace: str = ""

    def text(self) -> str:
        head = f"--- {self.area} as {self.role}: {self.operation} ({self.mode})\nsent: {self.request}\n"
        return head + self.message + (f"\nservice traceback (end):\n{self.trace}" if self.trace else "")


@dataclass
class Tally:
    """One service as one caller: how much ran, what came back, what failed."""

    area: str
    role: str
    operations: int = 0
    examples: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def line(self) -> str:
        by_status = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"fuzz {self.area:<12} as {self.role:<9} {self.operations:3d} operations,"
            f" {self.examples:5d} examples, {len(self.failures)} failures"
            f" in {self.seconds:.0f}s ({by_status})"
        )


# -- the stack and its callers -------------------------------------------------------------------------------


@contextlib.contextmanager
def fuzz_stack(root: Path) -> Iterator[StackUnderTest]:
    """A private stack with the demo hospital, stopped and its databases dropped afterwards."""
    (root / "redis").mkdir(parents=True, exist_ok=True)
    redis = PrivateRedis(root / "redis")
    redis.start()
    stack = StackUnderTest(directory=root / "state", redis=redis)
    stack.env |= {"SEED_DEMO": "1", "BCRYPT_ROUNDS": "4"}  # cheap hashes: register and login are fuzzed too
    try:
        stack.run("up")
        yield stack
    finally:
        stack.run("down", "--drop-databases", check=False)
        redis.stop()


def sign_in(base_url: str, role: str) -> Caller:
    """The demo account of `role` signed in as the SPA is: the session cookie, the Origin, the CSRF token."""
    if role == "anonymous":
        return Caller(role, {"Origin": base_url})
    answer = requests.post(
        base_url + "/api/v1/auth/login",
        json={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD},
        headers={"Origin": base_url},
        timeout=15,
    )
    assert answer.status_code == 200, f"{role} cannot sign in: {answer.status_code} {answer.text}"
    body = answer.json()
    headers = {"Origin": base_url, "X-CSRF-Token": body["csrf_token"]}
    return Caller(role, headers, cookies=dict(answer.cookies.items()), user_id=body["id"])


def api_key_caller(base_url: str, admin: Caller) -> Caller:
    """A partner's server: an API key with every scope (and a limit the fuzzing never reaches)."""
    answer = requests.post(
        base_url + "/api/v1/auth/api-keys",
        json={"name": "Fuzzing", "scopes": SCOPES, "rate_limit_per_minute": 100000},
        headers=admin.headers,
        cookies=admin.cookies,
        timeout=15,
    )
    assert answer.status_code == 201, answer.text
    return Caller("api-key", {"Authorization": f"Bearer {answer.json()['secret']}"})


def callers(base_url: str) -> dict[str, Caller]:
    """Every caller signed in before any fuzzing (login's per-address failure limit is real here)."""
    signed_in = {role: sign_in(base_url, role) for role in ROLES if role != "api-key"}
    signed_in["api-key"] = api_key_caller(base_url, signed_in["admin"])
    return {role: signed_in[role] for role in ROLES}


def known_ids(base_url: str, everyone: dict[str, Caller]) -> dict[str, dict[str, str]]:
    """Path parameters naming real records, per caller: random UUIDs alone would mostly meet 404s.

    The demo doctor and patient are named to everyone, except that nobody names their own account to
    the account routes (an admin disabling or re-roling itself would end the run, see SESSION_ENDING).
    """
    doctors = requests.get(base_url + "/api/v1/doctors?page_size=1", timeout=10).json()["items"]
    ids = {"patient_id": everyone["patient"].user_id}
    if doctors:
        ids["doctor_id"] = doctors[0]["id"]
    named = {}
    for role, caller in everyone.items():
        others = [c.user_id for c in everyone.values() if c.user_id and c.user_id != caller.user_id]
        named[role] = ids | ({"user_id": others[0]} if others else {})
    return named


# -- fuzzing -------------------------------------------------------------------------------------------------


def load_spec(base_url: str, area: str) -> Any:
    return schemathesis.openapi.from_url(f"{base_url}/api/v1/{area}/openapi.json", timeout=15)


def operations_of(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    return [op for op in found if op.definition.raw.get("operationId") not in SESSION_ENDING]


def describe(case: Any) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={case.query!r}")
    if case.headers:
        parts.append(f"headers={case.headers!r}")
    if case.body is not None and type(case.body).__name__ != "NotSet":
        parts.append(f"body={case.body!r}"[:600])
    return " ".join(parts)


def fuzz_area(
    *, base_url: str, area: str, caller: Caller, ids: dict[str, str], examples: int, seed: int | None
) -> Tally:
    """Every operation of one spec as one caller: positive and negative, random and known path ids."""
    tally = Tally(area, caller.role)
    started = time.monotonic()
    operations = operations_of(load_spec(base_url, area))
    tally.operations = len(operations)
    for operation in operations:
        op_id = operation.definition.raw.get("operationId", operation.label)
        limit = min(examples, MAIL_EXAMPLES) if op_id in MAILING else examples
        names = {p.name for p in operation.path_parameters}
        targets: list[dict[str, str] | None] = [None]
        if names and names <= set(ids):
            targets.append({name: ids[name] for name in names})
        seen: set[str] = set()
        for target in targets:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=target)
                record = _recorder(tally, operation=operation.label, mode=mode.value, seen=seen)
                _one_pass(
                    strategy,
                    base_url=base_url,
                    caller=caller,
                    examples=limit,
                    seed=seed,
                    tally=tally,
                    record=record,
                )
    tally.seconds = time.monotonic() - started
    if not caller.still_signed_in(base_url):
        tally.failures.append(
            Failure(
                area, caller.role, "(the caller's sign-in)", "-", "signed out by this service's fuzzing", ""
            )
        )
    return tally


def _recorder(tally: Tally, *, operation: str, mode: str, seen: set[str]) -> Callable[..., None]:
    """Keeps a failure once per distinct first line (at most six per operation and caller)."""

    def record(case: Any, error: BaseException, response: Any) -> None:
        text = str(error).strip() or repr(error)
        key = f"{mode}:{text.splitlines()[0]}"
        if key in seen or len(seen) >= 6:
            return
        seen.add(key)
        request_id = ""
        if response is not None and response.status_code >= 500:
            with contextlib.suppress(ValueError, AttributeError):
                request_id = str(response.json().get("request_id", ""))
        failure = Failure(tally.area, tally.role, operation, mode, text[:1500], describe(case), request_id)
        tally.failures.append(failure)

    return record


def _one_pass(
    strategy: Any,
    *,
    base_url: str,
    caller: Caller,
    examples: int,
    seed: int | None,
    tally: Tally,
    record: Callable[..., None],
) -> None:
    """Up to `examples` generated requests, each checked; a failure is recorded and the pass goes on."""

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        tally.examples += 1
        caller.credentials_over(case)
        response = None
        try:
            response = case.call(
                base_url=base_url,
                headers=caller.headers,
                cookies=caller.cookies,
                timeout=30,
                allow_redirects=False,
            )
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:
            record(case, error, response)

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        run()


def fuzz_everything(
    base_url: str, *, examples: int, seed: int | None = None, report: Callable[[Tally], None] = print
) -> list[Tally]:
    """Every spec as every caller, in ROLES order; `report` hears of each service and caller as it ends."""
    everyone = callers(base_url)
    ids = known_ids(base_url, everyone)
    tallies = []
    for role in ROLES:
        for area in AREAS:
            tally = fuzz_area(
                base_url=base_url,
                area=area,
                caller=everyone[role],
                ids=ids[role],
                examples=examples,
                seed=seed,
            )
            report(tally)
            tallies.append(tally)
    return tallies


def with_traces(failures: list[Failure], log_dir: Path) -> None:
    """Each 5xx failure gets the end of the traceback its service logged under the request id."""
    wanted = {f.request_id: f for f in failures if f.request_id}
    if not wanted:
        return
    for log in sorted(log_dir.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if '"exception"' not in line:
                continue
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                failure = wanted.get(entry.get("request_id", ""))
                if failure is not None:
                    failure.trace = "\n".join(entry["exception"].splitlines()[-6:])


def seed_from_env() -> int | None:
    """FUZZ_SEED=<n> (or FUZZ_SEED=random) for other examples than the fixed, repeatable ones."""
    value = os.environ.get("FUZZ_SEED", "")
    if value == "random":
        return uuid.uuid4().int % 2**32
    return int(value) if value else None
