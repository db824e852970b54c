"""Fuzz every service's OpenAPI document with schemathesis: bad input must never be a 5xx.

Run (from the repository root; schemathesis lives in its own tool venv, never in the project's):
    python3.11 -m venv /tmp/fuzzvenv && /tmp/fuzzvenv/bin/pip install schemathesis -e shared \
        -e services/auth -e services/patient -e services/doctor -e services/appointment
    /tmp/fuzzvenv/bin/python tests/fuzz/run_schemathesis.py [auth patient doctor appointment] [--examples N]
    /tmp/fuzzvenv/bin/python tests/fuzz/run_schemathesis.py doctor --cli --seconds 60   # `st run`, all phases

Each service is built as its tests build it (a throw-away migrated database, its own Redis database number,
the test internal token) and called through WSGI, once per caller: anonymous, patient, doctor, admin.
Every operation gets valid (positive) and invalid (negative) generated requests; checks are
not_a_server_error and response_schema_conformance. Exits 1 when anything failed. The file name keeps it out
of pytest's collection, so `make test` never runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from werkzeug.serving import make_server

from hospital_shared.identity import INTERNAL_TOKEN_HEADER, identity_headers
from hospital_shared.testing import free_port, migrated_database, reset_service_state

TOKEN = "test-internal-token"
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") == ""  # FUZZ_RANDOM=1: new examples each run
ROLES = ("anonymous", "patient", "doctor", "admin")


@dataclass
class Failure:
    service: str
    role: str
    operation: str
    mode: str
    message: str
    request: str
    trace: str = ""


@dataclass
class Report:
    failures: list[Failure] = field(default_factory=list)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)


class LastError(logging.Handler):
    """Keeps the traceback the app logged for its last unhandled error (the 500 body hides it)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.trace = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.trace = "".join(traceback.format_exception(*record.exc_info)[-6:])


# -- the services, built as their tests build them ---------------------------------------------------------


@contextlib.contextmanager
def auth_app() -> Iterator[tuple[Flask, tuple[str, ...]]]:
    from auth_service import SERVICE_DIR
    from auth_service.adapters.http.app import create_app
    from auth_service.config import Settings
    from auth_service.mail_sink import start_sink

    port = free_port()
    controller, _ = start_sink(host="127.0.0.1", port=port)
    try:
        with migrated_database("auth", SERVICE_DIR) as url:
            settings = Settings(
                environment="test",
                database_url=url,
                redis_url="redis://127.0.0.1:6379/11",
                internal_token=TOKEN,
                public_base_url="https://hospital.test",
                smtp_url=f"smtp://127.0.0.1:{port}",
                mail_in_background=False,
                bcrypt_rounds=4,
                spa_url="/app/",
            )
            yield create_app(settings), ("users", "one_time_tokens", "external_identities")
    finally:
        controller.stop()


@contextlib.contextmanager
def patient_app() -> Iterator[tuple[Flask, tuple[str, ...]]]:
    from patient_service import SERVICE_DIR
    from patient_service.adapters.http.app import create_app
    from patient_service.config import Settings

    with migrated_database("patient", SERVICE_DIR) as url:
        settings = Settings(
            environment="test", database_url=url, redis_url="redis://127.0.0.1:6379/12", internal_token=TOKEN
        )
        yield create_app(settings), ("patients",)


@contextlib.contextmanager
def doctor_app() -> Iterator[tuple[Flask, tuple[str, ...]]]:
    from doctor_service import SERVICE_DIR
    from doctor_service.adapters.http.app import create_app
    from doctor_service.config import Settings

    with migrated_database("doctor", SERVICE_DIR) as url:
        settings = Settings(
            environment="test",
            database_url=url,
            redis_url="redis://127.0.0.1:6379/13",
            internal_token=TOKEN,
            doctor_events_stream="fuzz-doctor-events",
            outbox_relay_enabled=False,
            account_events_enabled=False,
        )
        tables = ("doctors", "doctor_specializations", "doctor_time_off", "doctor_outbox")
        app = create_app(settings)
        # No Auth-MS here: every user id is an enabled doctor account, as in Doctor-MS's own tests.
        app.extensions["container"]._accounts = EveryoneIsADoctor()
        yield app, tables


class EveryoneIsADoctor:
    """Auth-MS's accounts as Doctor-MS asks them, answered without an Auth-MS."""

    def account(self, user_id: uuid.UUID) -> Any:
        from doctor_service.ports import Account

        return Account(id=user_id, role="doctor", disabled=False)


@contextlib.contextmanager
def appointment_app() -> Iterator[tuple[Flask, tuple[str, ...]]]:
    from appointment_service import SERVICE_DIR
    from appointment_service.adapters.http.app import create_app
    from appointment_service.config import Settings

    with migrated_database("appointment", SERVICE_DIR) as url:
        settings = Settings(
            environment="test", database_url=url, redis_url="redis://127.0.0.1:6379/14", internal_token=TOKEN
        )
        yield create_app(settings), ("appointments",)


SERVICES: dict[str, Callable[[], contextlib.AbstractContextManager[tuple[Flask, tuple[str, ...]]]]] = {
    "auth": auth_app,
    "patient": patient_app,
    "doctor": doctor_app,
    "appointment": appointment_app,
}


def headers_for(role: str, user_id: uuid.UUID) -> dict[str, str]:
    if role == "anonymous":
        return {INTERNAL_TOKEN_HEADER: TOKEN}
    return identity_headers(user_id, role, TOKEN)


def prepare(service: str, app: Flask, role: str, user_id: uuid.UUID) -> dict[str, str]:
    """Give the callers something to find; answers the path parameters that name it.

    The doctor service gets a doctor profile (the doctor caller's own, so /me routes answer), the patient
    service a patient profile (the patient caller's own); other roles fuzz the same records by id.
    """
    client = app.test_client()
    if service == "doctor":
        owner = user_id if role == "doctor" else uuid.uuid4()
        response = client.post(
            "/api/v1/doctors",
            json={
                "user_id": str(owner),
                "full_name": "Dr. Fuzz",
                "specializations": ["cardiology"],
                "time_zone": "Europe/Berlin",
            },
            headers=identity_headers(uuid.uuid4(), "admin", TOKEN),
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return {"doctor_id": response.json["id"]}
    if service == "patient":
        owner = user_id if role == "patient" else uuid.uuid4()
        response = client.put(
            "/api/v1/patients/me",
            json={"full_name": "Pat Fuzz", "date_of_birth": "1990-01-01", "phone": "+49 30 1234567"},
            headers=identity_headers(owner, "patient", TOKEN),
        )
        assert response.status_code < 300, response.get_data(as_text=True)
        return {"patient_id": response.json["user_id"]}
    return {}


def describe(case: Any) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={case.query!r}")
    if case.headers:
        parts.append(f"headers={ {k: v for k, v in case.headers.items() if not k.startswith('X-')}!r}")
    if case.body is not None and type(case.body).__name__ != "NotSet":
        parts.append(f"body={case.body!r}"[:600])
    return " ".join(parts)


def _recorder(
    *, service: str, role: str, operation: Any, mode: GenerationMode, seen: set[str], report: Report
) -> Callable[[Any, BaseException, str], None]:
    """Records a failure once per distinct message (at most six per operation and role)."""

    def record(case: Any, error: BaseException, trace: str) -> None:
        text = str(error).strip()
        key = f"{mode.value}:{text.splitlines()[0] if text else repr(error)}"
        if key in seen or len(seen) >= 6:
            return
        seen.add(key)
        failure = Failure(
            service=service,
            role=role,
            operation=operation.label,
            mode=mode.value,
            message=text[:1200],
            request=describe(case),
            trace=trace,
        )
        report.failures.append(failure)

    return record


def fuzz_operation(
    *,
    service: str,
    role: str,
    operation: Any,
    headers: dict[str, str],
    known_ids: dict[str, str],
    examples: int,
    report: Report,
) -> None:
    catcher = LastError()
    logging.getLogger().addHandler(catcher)
    seen: set[str] = set()
    # Random ids mostly meet 404s; a second pass aims at the records prepare() made.
    names = {p.name for p in operation.path_parameters}
    targets: list[dict[str, str] | None] = [None]
    if names and names <= set(known_ids):
        targets.append({name: known_ids[name] for name in names})
    try:
        for target in targets:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                record = _recorder(
                    service=service, role=role, operation=operation, mode=mode, seen=seen, report=report
                )
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=target)
                _one_pass(
                    strategy,
                    headers=headers,
                    examples=examples,
                    record=record,
                    catcher=catcher,
                    tally=report.statuses.setdefault(service, {}),
                )
    finally:
        logging.getLogger().removeHandler(catcher)


def _one_pass(
    strategy: Any,
    *,
    headers: dict[str, str],
    examples: int,
    record: Callable[[Any, BaseException, str], None],
    catcher: LastError,
    tally: dict[int, int],
) -> None:
    """Up to `examples` generated requests, each checked; failures are recorded and the pass goes on."""

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        catcher.trace = ""
        try:
            response = case.call(headers=headers)
            tally[response.status_code] = tally.get(response.status_code, 0) + 1
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        except (Exception, BaseExceptionGroup) as error:
            record(case, error, catcher.trace)

    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        run()


def fuzz_service(service: str, *, examples: int, report: Report) -> None:
    with SERVICES[service]() as (app, tables):
        schema = schemathesis.openapi.from_wsgi("/openapi.json", app, headers={INTERNAL_TOKEN_HEADER: TOKEN})
        operations = [result.ok() for result in schema.get_all_operations()]
        for role in ROLES:
            reset_service_state(app, tables=tables)
            user_id = uuid.uuid4()
            known_ids = prepare(service, app, role, user_id)
            started = time.monotonic()
            for operation in operations:
                fuzz_operation(
                    service=service,
                    role=role,
                    operation=operation,
                    headers=headers_for(role, user_id),
                    known_ids=known_ids,
                    examples=examples,
                    report=report,
                )
            print(f"  {service} as {role}: {len(operations)} operations in {time.monotonic() - started:.0f}s")
        reset_service_state(app, tables=tables)
        app.extensions["container"].close()


@contextlib.contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on a free loopback port in a thread (for the `st` command line), stopped afterwards."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def run_cli(service: str, *, examples: int, seconds: int) -> int:
    """Schemathesis's own runner (examples, coverage, fuzzing and stateful phases) once per caller."""
    failed = 0
    st = Path(sys.executable).with_name("st")
    with SERVICES[service]() as (app, tables), served(app) as base_url:
        for role in ROLES:
            reset_service_state(app, tables=tables)
            user_id = uuid.uuid4()
            prepare(service, app, role, user_id)
            command = [str(st), "run", f"{base_url}/openapi.json", "--no-color", "--seed", "1"]
            command += ["--checks", "not_a_server_error,response_schema_conformance,status_code_conformance"]
            command += ["--max-examples", str(examples), "--max-time", str(seconds), "--workers", "1"]
            command += ["--generation-database", "none", "--max-failures", "20", "--warnings", "off"]
            for name, value in headers_for(role, user_id).items():
                command += ["-H", f"{name}: {value}"]
            print(f"== {service} as {role}: {' '.join(command)}", flush=True)
            # st keeps a cache in its working directory: keep it out of the repo.
            with tempfile.TemporaryDirectory() as scratch:
                failed |= subprocess.run(command, check=False, cwd=scratch).returncode
        reset_service_state(app, tables=tables)
        app.extensions["container"].close()
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="*", help=f"some of {', '.join(SERVICES)} (default: all)")
    parser.add_argument("--examples", type=int, default=40, help="examples per operation, role and mode")
    parser.add_argument("--cli", action="store_true", help="use the `st run` command line on a loopback port")
    parser.add_argument("--seconds", type=int, default=60, help="--cli: time budget per service and role")
    args = parser.parse_args()
    unknown = set(args.services) - set(SERVICES)
    if unknown:
        parser.error(f"unknown services: {', '.join(sorted(unknown))}")
    logging.disable(logging.WARNING - 1)  # the apps' JSON request logs would drown the report
    if args.cli:
        return max(
            run_cli(s, examples=args.examples, seconds=args.seconds) for s in args.services or SERVICES
        )
    report = Report()
    for service in args.services or SERVICES:
        print(f"== {service}")
        fuzz_service(service, examples=args.examples, report=report)
    for failure in report.failures:
        print(f"\n--- {failure.service} as {failure.role}: {failure.operation} ({failure.mode})")
        print(f"request: {failure.request}")
        print(failure.message)
        if failure.trace:
            print(failure.trace)
    for service, tally in report.statuses.items():
        print(f"{service}: {sum(tally.values())} calls, by status {dict(sorted(tally.items()))}")
    print(f"failures: {len(report.failures)}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
