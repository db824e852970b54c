"""Issue 10, server-to-server bookings, through the real gateway: a partner's API key registers a patient
and books, lists, reads and cancels for them; a key acts only for the patients it registered, and only
with the scopes it holds. Every answer, refusals included, is checked against the served OpenAPI specs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.e2e import openapi_validation
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

pytestmark = pytest.mark.e2e

PASSWORD = "quiet orchard 7 lanterns"
PARTNER_SCOPES = ["patients:write", "appointments:write", "appointments:read"]
BOOK_ONLY_OWN = "This API key may book only for patients it registered"


class Partner:
    """A partner's server: `Authorization: Bearer <secret>`, no cookie, no Origin, no CSRF token."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url
        self.http = openapi_validation.validated_session(base_url)
        self.http.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=15, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.base_url + path, timeout=15, **kwargs)

    def register_patient(self) -> str:
        body = {"email": f"pat.{uuid.uuid4().hex[:8]}@example.org", "full_name": "Pat Partner"}
        created = self.post("/api/v1/auth/integrations/patients", json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    def book(self, slot: dict[str, Any], patient_id: str | None, **headers: str) -> requests.Response:
        body = {"doctor_id": slot["doctor_id"], "start": slot["start"], "reason": "Check-up"}
        if patient_id is not None:
            body["patient_id"] = patient_id
        return self.post("/api/v1/appointments", json=body, headers=headers)


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"SEED_DEMO": "1"}  # the demo cardiologists, with free slots


@pytest.fixture(scope="module")
def admin(stack: StackUnderTest) -> BrowserSession:
    address = f"ada-{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", address, "--password", PASSWORD)
    return BrowserSession(stack.url).login(address, PASSWORD)


@pytest.fixture
def partner(stack: StackUnderTest, admin: BrowserSession) -> Any:
    def issue(scopes: list[str]) -> Partner:
        issued = admin.post("/api/v1/auth/api-keys", json={"name": "Clinic portal", "scopes": scopes})
        assert issued.status_code == 201, issued.text
        return Partner(stack.url, issued.json()["secret"])

    return issue


def free_slot(stack: StackUnderTest) -> dict[str, Any]:
    """The next free cardiology slot, asked for anonymously: the slot finder is public."""
    session = openapi_validation.validated_session(stack.url)
    answer = session.get(f"{stack.url}/api/v1/slots/next?specialization=cardiology", timeout=15)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_partner_registers_a_patient_and_books_lists_reads_and_cancels_for_them(
    stack: StackUnderTest, partner: Any
) -> None:
    portal: Partner = partner(PARTNER_SCOPES)
    patient_id = portal.register_patient()
    slot = free_slot(stack)
    retry_key = str(uuid.uuid4())

    booked = portal.book(slot, patient_id, **{"Idempotency-Key": retry_key})
    again = portal.book(slot, patient_id, **{"Idempotency-Key": retry_key})

    assert booked.status_code == 201, booked.text
    assert booked.json()["patient_id"] == patient_id and booked.json()["status"] == "booked"
    assert again.status_code == 201 and again.json()["id"] == booked.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    appointment_id = booked.json()["id"]
    listed = portal.get(f"/api/v1/appointments?patient_id={patient_id}")
    assert listed.status_code == 200, listed.text
    assert [a["id"] for a in listed.json()["items"]] == [appointment_id]
    assert portal.get(f"/api/v1/appointments/{appointment_id}").json()["start"] == booked.json()["start"]

    cancelled = portal.post(f"/api/v1/appointments/{appointment_id}/cancel", json={"reason": "Cannot come"})

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_by_role"] == "integration"
    assert free_slot(stack)["start"] <= slot["start"]  # the time is offered again


def test_a_partner_must_name_the_patient_it_books_for(stack: StackUnderTest, partner: Any) -> None:
    portal: Partner = partner(PARTNER_SCOPES)

    missing = portal.book(free_slot(stack), None)

    assert missing.status_code == 422 and "patient_id" in missing.json()["errors"]


def test_a_slots_read_key_searches_slots_and_is_refused_booking(stack: StackUnderTest, partner: Any) -> None:
    finder: Partner = partner(["slots:read"])

    slots = finder.get("/api/v1/slots?specialization=cardiology&limit=3")
    following = finder.get("/api/v1/slots/next?specialization=cardiology")
    booking = finder.book(slots.json()["items"][0], str(uuid.uuid4()))

    assert slots.status_code == 200 and slots.json()["items"], slots.text
    assert following.status_code == 200
    assert booking.status_code == 403
    assert "appointments:write" in booking.json()["detail"]
    without_slots = partner(PARTNER_SCOPES).get("/api/v1/slots?specialization=cardiology")
    assert without_slots.status_code == 403 and "slots:read" in without_slots.json()["detail"]


def test_a_second_key_cannot_book_for_or_read_the_first_keys_patient(
    stack: StackUnderTest, partner: Any
) -> None:
    first, second = partner(PARTNER_SCOPES), partner(PARTNER_SCOPES)
    patient_id = first.register_patient()
    booked = first.book(free_slot(stack), patient_id)
    assert booked.status_code == 201, booked.text
    appointment_id = booked.json()["id"]

    foreign_booking = second.book(free_slot(stack), patient_id)
    foreign_list = second.get(f"/api/v1/appointments?patient_id={patient_id}")
    foreign_read = second.get(f"/api/v1/appointments/{appointment_id}")
    foreign_cancel = second.post(f"/api/v1/appointments/{appointment_id}/cancel", json={"reason": "x"})

    assert foreign_booking.status_code == 403 and foreign_booking.json()["detail"] == BOOK_ONLY_OWN
    assert foreign_list.status_code == 403
    # By id, someone else's appointment is "no such appointment", as it is for people.
    assert foreign_read.status_code == 404 and foreign_cancel.status_code == 404
    assert first.get(f"/api/v1/appointments/{appointment_id}").json()["status"] == "booked"


def test_once_an_admin_disables_the_patient_the_key_can_no_longer_book_for_them(
    stack: StackUnderTest, admin: BrowserSession, partner: Any
) -> None:
    portal: Partner = partner(PARTNER_SCOPES)
    patient_id = portal.register_patient()
    assert admin.post(f"/api/v1/auth/users/{patient_id}/disable", json={}).status_code == 200

    refused = portal.book(free_slot(stack), patient_id)

    assert refused.status_code == 403 and refused.json()["detail"] == BOOK_ONLY_OWN


def test_people_cannot_name_a_patient_and_keys_stay_out_of_admin_routes(
    stack: StackUnderTest, partner: Any
) -> None:
    portal: Partner = partner(["slots:read", *PARTNER_SCOPES])
    patient_id = portal.register_patient()
    person = BrowserSession(stack.url).register(
        f"pia.{uuid.uuid4().hex[:6]}@example.org", PASSWORD, "Pia Person"
    )
    slot = free_slot(stack)

    for_someone = person.post(
        "/api/v1/appointments",
        json={"doctor_id": slot["doctor_id"], "start": slot["start"], "patient_id": patient_id},
    )

    assert for_someone.status_code == 422 and "patient_id" in for_someone.json()["errors"]
    assert portal.get("/api/v1/system").status_code == 403
    assert portal.get("/api/v1/webhooks").status_code == 403
