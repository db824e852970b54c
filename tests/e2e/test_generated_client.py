"""An integrator's flow on Python clients generated from the four specs (openapi-python-client), not raw HTTP.

The clients are generated at test time from the specs the stack serves, into a temporary folder (never
committed): if a spec lies about a path, a parameter or a body, the typed client cannot do the flow.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import httpx
import pytest

from tests.e2e import openapi_validation
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
AREAS = {"auth": "auth", "doctor": "doctors", "appointment": "appointments"}
SCOPES = ["directory:read", "slots:read", "patients:write", "appointments:read", "appointments:write"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@pytest.fixture(scope="module")
def clients(stack: StackUnderTest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """service name → package of its generated client, importable for this module's tests."""
    folder: Path = tmp_path_factory.mktemp("generated_clients")
    generator = Path(sys.executable).with_name("openapi-python-client")
    env = os.environ | {"PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    packages = {}
    for name, area in AREAS.items():
        spec = folder / f"{name}.json"
        spec.write_bytes(stack.get(f"/api/v1/{area}/openapi.json").content)
        package = f"hospital_{name}_client"
        subprocess.run(
            [str(generator), "generate", "--path", str(spec), "--meta", "none",
             "--output-path", str(folder / package)],
            check=True, capture_output=True, env=env, timeout=180,
        )  # fmt: skip
        packages[name] = package
    sys.path.insert(0, str(folder))
    try:
        yield packages
    finally:
        sys.path.remove(str(folder))


class _Answer:
    """An httpx answer as tests.e2e.openapi_validation reads answers (the requests shape)."""

    def __init__(self, response: httpx.Response) -> None:
        self.request = SimpleNamespace(method=response.request.method, url=str(response.request.url))
        self.status_code, self.headers = response.status_code, response.headers
        self.content, self.text = response.content, response.text


def validating(base_url: str) -> dict[str, Any]:
    """httpx arguments that check every answer a generated client receives against the served specs."""

    def check(response: httpx.Response) -> None:
        response.read()
        openapi_validation.check(_Answer(response), gateway_url=base_url)  # type: ignore[arg-type]

    return {"event_hooks": {"response": [check]}}


def module(package: str, path: str) -> ModuleType:
    return importlib.import_module(f"{package}.{path}")


def a_cardiologist(stack: StackUnderTest, admin: BrowserSession) -> str:
    account = admin.post(
        "/api/v1/auth/users",
        json={
            "email": f"dr.{uuid.uuid4().hex[:6]}@example.org",
            "full_name": "Dr. Ida Vale",
            "role": "doctor",
        },
    )
    assert account.status_code == 201, account.text
    created = admin.post(
        "/api/v1/doctors",
        json={"user_id": account.json()["id"], "full_name": "Dr. Ida Vale", "specializations": ["cardiology"],
              "time_zone": "Europe/Berlin", "languages": ["en"]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    doctor_id: str = created.json()["id"]
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    week = {
        "time_zone": "Europe/Berlin", "slot_step_minutes": 15, "buffer_minutes": 0,
        "minimum_notice_minutes": 0, "booking_horizon_days": 60,
        "weekly": {day: [{"start": "08:00", "end": "18:00"}] for day in WEEKDAYS},
        "appointment_types": [{"code": "cardiology", "name": "Cardiology visit", "duration_minutes": 30}],
    }  # fmt: skip
    put = admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=week, headers={"If-Match": etag})
    assert put.status_code == 200, put.text
    return doctor_id


def issue_key_as_admin(auth: str, base_url: str, email: str) -> str:
    """The admin signs in and issues the integration's key, on the generated Auth-MS client too."""
    as_admin = module(auth, "client").Client(
        base_url=base_url, headers={"Origin": base_url}, httpx_args=validating(base_url)
    )
    signed_in = answered(
        module(auth, "api.auth.auth_post_login").sync_detailed(
            client=as_admin,
            body=module(auth, "models.credentials").Credentials(email=email, password=PASSWORD),
        ),
        200,
    )
    # The session cookie lives in this client's httpx jar (with_headers would make a new, empty one).
    as_admin.get_httpx_client().headers["X-CSRF-Token"] = signed_in.csrf_token
    scope = module(auth, "models.new_api_key_scopes_item").NewApiKeyScopesItem
    issued = answered(
        module(auth, "api.api_keys.api_keys_post_api_keys").sync_detailed(
            client=as_admin,
            body=module(auth, "models.new_api_key").NewApiKey(
                name="Clinic portal", scopes=[scope(name) for name in SCOPES]
            ),
        ),
        201,
    )
    assert issued.secret.startswith("hsk_")
    return str(issued.secret)


def answered(response: Any, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


def test_an_integrator_lists_doctors_finds_a_slot_registers_a_patient_books_and_cancels_with_typed_clients(
    stack: StackUnderTest, clients: dict[str, str]
) -> None:
    admin_email = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", admin_email, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_email, PASSWORD)
    doctor_id = a_cardiologist(stack, admin)
    auth, doctors, appointments = clients["auth"], clients["doctor"], clients["appointment"]
    secret = issue_key_as_admin(auth, stack.url, admin_email)

    as_integrator = {
        name: module(package, "client").AuthenticatedClient(
            base_url=stack.url,
            token=secret,
            raise_on_unexpected_status=True,
            httpx_args=validating(stack.url),
        )
        for name, package in clients.items()
    }

    directory = answered(
        module(doctors, "api.doctors.doctors_get_doctors").sync_detailed(
            client=as_integrator["doctor"], specialization="cardiology"
        ),
        200,
    )
    assert doctor_id in [str(d.id) for d in directory.items]

    next_slot = module(appointments, "api.slots.slots_get_next_slot")
    deadline = time.monotonic() + 15
    while (
        found := next_slot.sync_detailed(client=as_integrator["appointment"], doctor_id=uuid.UUID(doctor_id))
    ).status_code != 200:
        assert time.monotonic() < deadline, found.content  # the schedule reaches Appointment-MS by events
        time.sleep(0.1)
    slot = found.parsed

    registration = module(auth, "models.integration_patient").IntegrationPatient(
        email=f"pat.{uuid.uuid4().hex[:6]}@example.org", full_name="Pat Integrated"
    )
    patient = answered(
        module(auth, "api.integrations.integrations_post_integration_patients").sync_detailed(
            client=as_integrator["auth"], body=registration
        ),
        201,
    )

    booking_model = module(appointments, "models.booking").Booking
    booked = answered(
        module(appointments, "api.appointments.appointments_post_appointments").sync_detailed(
            client=as_integrator["appointment"],
            body=booking_model(
                doctor_id=slot.doctor_id, start=slot.start, patient_id=patient.id, reason="Check-up"
            ),
            idempotency_key=str(uuid.uuid4()),
        ),
        201,
    )
    assert str(booked.patient_id) == str(patient.id)

    cancel = module(appointments, "models.cancel").Cancel(reason="The patient cannot come")
    cancelled = answered(
        module(appointments, "api.appointments.appointments_post_cancel_appointment").sync_detailed(
            booked.id, client=as_integrator["appointment"], body=cancel
        ),
        200,
    )
    assert str(cancelled.status) == "cancelled"
