"""API keys over HTTP (the identity headers the gateway sends for a key), with the real PostgreSQL and a
stand-in for Auth-MS's contact route on loopback: scopes on every route, bookings and reads only for the
patients the calling key registered, 503 with nothing written when Auth-MS cannot tell."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from appointment_service.adapters.contacts.auth_api import AuthApiPatientAccounts
from appointment_service.config import Settings
from appointment_service.ports import AccountsUnavailable
from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN, free_port

from ..builders import doctor_snapshot
from .mail_fixtures import AuthStub

FIRST, SECOND, THIRD = "2027-03-01T07:00:00Z", "2027-03-01T07:30:00Z", "2027-03-01T08:00:00Z"
EVERY_SCOPE = ("directory:read", "slots:read", "patients:write", "appointments:read", "appointments:write")
PARTNER = ("slots:read", "patients:write", "appointments:read", "appointments:write")


@pytest.fixture
def settings(settings: Settings, auth_ms: AuthStub) -> Iterator[Settings]:
    auth_ms.unavailable = False
    yield replace(settings, auth_internal_url=auth_ms.url, integration_account_cache_seconds=5.0)
    auth_ms.unavailable = False


def key(*scopes: str, key_id: uuid.UUID | None = None) -> dict[str, str]:
    """The headers the gateway sends for an API key with these scopes."""
    return identity_headers(key_id or uuid.uuid4(), "integration", INTERNAL_TOKEN, scopes=scopes)


def key_id(headers: dict[str, str]) -> uuid.UUID:
    return uuid.UUID(headers["X-User-Id"])


def book(
    client: FlaskClient, headers: dict[str, str], doctor_id: str, start: str = FIRST, **extra: Any
) -> Any:
    body = {"doctor_id": doctor_id, "start": start, "reason": "check-up", **extra}
    return client.post("/api/v1/appointments", json=body, headers=headers)


def appointment_count(app: Flask) -> int:
    with app.extensions["container"].engine.connect() as connection:
        return int(connection.scalar(text("SELECT count(*) FROM appointments")) or 0)


@pytest.fixture
def doctor_id(add_doctor: Any) -> str:
    snapshot = doctor_snapshot()
    add_doctor(snapshot)
    return str(snapshot["doctor_id"])


# -- slots -------------------------------------------------------------------------------------------


def test_slots_answer_anyone_and_keys_with_slots_read_only(client: FlaskClient, doctor_id: str) -> None:
    anonymous = {"X-Internal-Token": INTERNAL_TOKEN}
    person = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)
    for path in ("/api/v1/slots?specialization=cardiology", "/api/v1/slots/next?specialization=cardiology"):
        assert client.get(path, headers=anonymous).status_code == 200
        assert client.get(path, headers=person).status_code == 200
        assert client.get(path, headers=key("slots:read")).status_code == 200
        refused = client.get(path, headers=key("directory:read", "appointments:write"))
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert "slots:read" in refused.json["detail"]


def test_a_guest_hold_by_a_key_needs_slots_read(client: FlaskClient, doctor_id: str) -> None:
    body = {"doctor_id": doctor_id, "start": FIRST}
    refused = client.post("/api/v1/slots/holds", json=body, headers=key("appointments:write"))
    assert refused.status_code == 403 and "slots:read" in refused.json["detail"]
    assert client.post("/api/v1/slots/holds", json=body, headers=key("slots:read")).status_code == 201


# -- booking ---------------------------------------------------------------------------------------------


def test_a_key_books_for_its_patient_and_a_retry_with_the_same_idempotency_key_books_once(
    app: Flask, client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    partner = key(*PARTNER) | {"Idempotency-Key": "partner-booking-1"}
    patient = auth_ms.add_account(registered_by_key=key_id(partner))

    answers = [book(client, partner, doctor_id, patient_id=str(patient)) for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201], answers[0].json
    assert answers[0].json["patient_id"] == str(patient) and answers[0].json["status"] == "booked"
    assert answers[1].json["id"] == answers[0].json["id"]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert appointment_count(app) == 1


def test_a_key_without_appointments_write_cannot_book(
    app: Flask, client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    reader = key("slots:read", "appointments:read")
    patient = auth_ms.add_account(registered_by_key=key_id(reader))

    refused = book(client, reader, doctor_id, patient_id=str(patient))

    assert refused.status_code == 403 and "appointments:write" in refused.json["detail"]
    assert appointment_count(app) == 0


@pytest.mark.parametrize(
    "account",
    [{"mine": False}, {"mine": None}, {"disabled": True}, {"role": "doctor"}, {"unknown": True}],
    ids=["another-keys-patient", "self-registered", "disabled", "a-doctor-account", "unknown-id"],
)
def test_a_key_cannot_book_for_anyone_but_its_enabled_patients(
    app: Flask, client: FlaskClient, auth_ms: AuthStub, doctor_id: str, account: dict[str, Any]
) -> None:
    partner = key(*PARTNER)
    mine = account.pop("mine", True)
    registered_by = {True: key_id(partner), False: uuid.uuid4(), None: None}[mine]
    patient = uuid.uuid4() if account.pop("unknown", False) else auth_ms.add_account(
        registered_by_key=registered_by, **account
    )  # fmt: skip

    refused = book(client, partner, doctor_id, patient_id=str(patient))

    assert refused.status_code == 403, refused.json
    assert refused.mimetype == "application/problem+json"
    assert refused.json["detail"] == "This API key may book only for patients it registered"
    assert appointment_count(app) == 0


def test_patient_id_is_required_from_keys_and_refused_from_people(
    app: Flask, client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    me = uuid.uuid4()
    person = identity_headers(me, "patient", INTERNAL_TOKEN)

    missing = book(client, key(*PARTNER), doctor_id)
    for_someone = book(client, person, doctor_id, patient_id=str(auth_ms.add_account()))
    for_myself = book(client, person, doctor_id, patient_id=str(me))

    for answer in (missing, for_someone, for_myself):
        assert answer.status_code == 422, answer.json
        assert "patient_id" in answer.json["errors"]
    assert appointment_count(app) == 0
    assert book(client, person, doctor_id).status_code == 201  # people book for themselves, as before


def test_with_auth_ms_unable_to_answer_a_keys_booking_is_503_and_nothing_is_written(
    app: Flask, client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    partner = key(*PARTNER) | {"Idempotency-Key": "during-outage"}
    patient = auth_ms.add_account(registered_by_key=key_id(partner))
    auth_ms.unavailable = True

    refused = book(client, partner, doctor_id, patient_id=str(patient))

    assert refused.status_code == 503 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"]
    assert appointment_count(app) == 0
    auth_ms.unavailable = False
    later = book(client, partner, doctor_id, patient_id=str(patient))  # the same Idempotency-Key works
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers


def test_an_unreachable_auth_ms_is_accounts_unavailable() -> None:
    accounts = AuthApiPatientAccounts(
        f"http://127.0.0.1:{free_port()}", internal_token=INTERNAL_TOKEN, timeout_seconds=1.0
    )
    with pytest.raises(AccountsUnavailable):
        accounts.account_of(uuid.uuid4())


def test_auth_ms_answers_are_read_as_accounts(auth_ms: AuthStub) -> None:
    partner = uuid.uuid4()
    patient = auth_ms.add_account(registered_by_key=partner, disabled=True)
    accounts = AuthApiPatientAccounts(auth_ms.url, internal_token=INTERNAL_TOKEN, timeout_seconds=2.0)

    account = accounts.account_of(patient)

    assert account is not None
    assert (account.role, account.registered_by_key, account.disabled) == ("patient", partner, True)
    assert accounts.account_of(uuid.uuid4()) is None
    with pytest.raises(AccountsUnavailable):  # a wrong token is no "no such account"
        AuthApiPatientAccounts(auth_ms.url, internal_token="wrong", timeout_seconds=2.0).account_of(patient)


# -- reading and changing ----------------------------------------------------------------------------


def test_a_key_lists_reads_cancels_and_reschedules_only_its_patients_appointments(
    client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    mine, other = key(*PARTNER), key(*PARTNER)
    my_patient = auth_ms.add_account(registered_by_key=key_id(mine))
    their_patient = auth_ms.add_account(registered_by_key=key_id(other))
    my_visit = book(client, mine, doctor_id, FIRST, patient_id=str(my_patient)).json
    their_visit = book(client, other, doctor_id, SECOND, patient_id=str(their_patient)).json

    listed = client.get(f"/api/v1/appointments?patient_id={my_patient}", headers=mine)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json["items"]] == [my_visit["id"]] and listed.json["total"] == 1
    refused = client.get(f"/api/v1/appointments?patient_id={their_patient}", headers=mine)
    assert refused.status_code == 403 and "patients it registered" in refused.json["detail"]
    assert client.get("/api/v1/appointments", headers=mine).status_code == 422
    assert client.get(f"/api/v1/appointments/{my_visit['id']}", headers=mine).json["id"] == my_visit["id"]
    base = f"/api/v1/appointments/{their_visit['id']}"
    assert client.get(base, headers=mine).status_code == 404
    assert client.post(f"{base}/cancel", json={"reason": "x"}, headers=mine).status_code == 404
    assert client.post(f"{base}/reschedule", json={"start": THIRD}, headers=mine).status_code == 404

    moved = client.post(
        f"/api/v1/appointments/{my_visit['id']}/reschedule", json={"start": THIRD}, headers=mine
    )
    assert moved.status_code == 200, moved.json
    cancelled = client.post(
        f"/api/v1/appointments/{moved.json['id']}/cancel", json={"reason": "cannot come"}, headers=mine
    )
    assert cancelled.status_code == 200
    assert (cancelled.json["status"], cancelled.json["cancelled_by_role"]) == ("cancelled", "integration")
    theirs = client.get(base, headers=other).json
    assert theirs["status"] == "booked"


def test_scopes_split_reading_from_changing(client: FlaskClient, auth_ms: AuthStub, doctor_id: str) -> None:
    writer = key(*PARTNER)
    patient = auth_ms.add_account(registered_by_key=key_id(writer))
    visit = book(client, writer, doctor_id, patient_id=str(patient)).json
    reader = key("appointments:read", key_id=key_id(writer))  # the same key, fewer scopes
    booker = key("appointments:write", key_id=key_id(writer))

    assert client.get(f"/api/v1/appointments/{visit['id']}", headers=reader).status_code == 200
    for answer in (
        client.post(f"/api/v1/appointments/{visit['id']}/cancel", json={}, headers=reader),
        client.post(f"/api/v1/appointments/{visit['id']}/reschedule", json={"start": THIRD}, headers=reader),
        client.get(f"/api/v1/appointments/{visit['id']}", headers=booker),
        client.get(f"/api/v1/appointments?patient_id={patient}", headers=booker),
    ):
        assert answer.status_code == 403 and "lacks the scope" in answer.json["detail"]


def test_once_its_patient_is_disabled_a_key_cannot_cancel_at_once_though_a_read_was_kept(
    client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    partner = key(*PARTNER)
    patient = auth_ms.add_account(registered_by_key=key_id(partner))
    visit = book(client, partner, doctor_id, patient_id=str(patient)).json
    assert client.get(f"/api/v1/appointments/{visit['id']}", headers=partner).status_code == 200

    auth_ms.accounts[str(patient)]["disabled"] = True

    # Reads may go on the answer kept for a few seconds; a change always asks Auth-MS afresh.
    assert client.get(f"/api/v1/appointments/{visit['id']}", headers=partner).status_code == 200
    cancel = client.post(f"/api/v1/appointments/{visit['id']}/cancel", json={}, headers=partner)
    assert cancel.status_code == 404
    assert book(client, partner, doctor_id, SECOND, patient_id=str(patient)).status_code == 403


def test_people_read_and_change_their_appointments_as_before(
    client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    me = uuid.uuid4()
    person = identity_headers(me, "patient", INTERNAL_TOKEN)
    visit = book(client, person, doctor_id).json
    auth_ms.unavailable = True  # people's requests never ask Auth-MS

    assert client.get("/api/v1/appointments", headers=person).json["total"] == 1
    assert client.get(f"/api/v1/appointments/{visit['id']}", headers=person).status_code == 200
    assert (
        client.post(f"/api/v1/appointments/{visit['id']}/cancel", json={}, headers=person).status_code == 200
    )


def test_routes_for_people_admins_and_doctors_refuse_every_key(
    client: FlaskClient, auth_ms: AuthStub, doctor_id: str
) -> None:
    everything = key(*EVERY_SCOPE)
    patient = auth_ms.add_account(registered_by_key=key_id(everything))
    held = {"doctor_id": doctor_id, "start": FIRST, "patient_id": str(patient)}
    hold_id = uuid.uuid4()
    for answer in (
        client.get("/api/v1/system", headers=everything),
        client.get("/api/v1/webhooks", headers=everything),
        client.post("/api/v1/webhooks", json={"url": "https://example.org/h"}, headers=everything),
        client.post("/api/v1/appointments/holds", json=held, headers=everything),
        client.post(f"/api/v1/appointments/holds/{hold_id}/confirm", json={}, headers=everything),
        client.delete(f"/api/v1/appointments/holds/{hold_id}", headers=everything),
    ):
        assert answer.status_code == 403, (answer.request.path, answer.json)
        assert answer.mimetype == "application/problem+json"


def test_a_keys_identity_needs_the_internal_token(client: FlaskClient, doctor_id: str) -> None:
    forged = key(*PARTNER)
    del forged["X-Internal-Token"]
    assert client.get("/api/v1/slots?specialization=cardiology", headers=forged).status_code == 401
    assert book(client, forged, doctor_id, patient_id=str(uuid.uuid4())).status_code == 401


def test_the_spec_documents_patient_id_the_scopes_and_the_503(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers={"X-Internal-Token": INTERNAL_TOKEN}).json
    booking = spec["components"]["schemas"]["Booking"]
    assert "patient_id" in booking["properties"] and "patient_id" not in booking.get("required", [])
    paths = spec["paths"]
    post = paths["/api/v1/appointments"]["post"]
    assert post["x-api-key-scope"] == "appointments:write" and {"403", "503"} <= set(post["responses"])
    assert paths["/api/v1/appointments"]["get"]["x-api-key-scope"] == "appointments:read"
    assert paths["/api/v1/appointments/{appointment_id}"]["get"]["x-api-key-scope"] == "appointments:read"
    for path in (
        "/api/v1/appointments/{appointment_id}/cancel",
        "/api/v1/appointments/{appointment_id}/reschedule",
    ):
        assert paths[path]["post"]["x-api-key-scope"] == "appointments:write"
    for path in ("/api/v1/slots", "/api/v1/slots/next"):
        assert paths[path]["get"]["x-api-key-scope"] == "slots:read"
        assert {} in paths[path]["get"]["security"]  # still public
