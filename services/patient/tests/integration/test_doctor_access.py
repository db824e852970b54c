"""A doctor reads the profile of a patient they treat, as Appointment-MS (a stand-in on loopback) tells."""

import uuid
from dataclasses import replace

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN, free_port, running_app
from patient_service.adapters.http.app import create_app
from patient_service.config import Settings

from ..appointment_stub import AppointmentStub

PROFILE = {"full_name": "Maria Schmidt", "date_of_birth": "1985-04-12", "phone": "+49 30 1234567"}


def as_role(role: str, user_id: uuid.UUID | None = None) -> dict[str, str]:
    return identity_headers(user_id or uuid.uuid4(), role, INTERNAL_TOKEN)


def patient_with_profile(client: FlaskClient) -> uuid.UUID:
    patient_id = uuid.uuid4()
    assert client.put("/api/v1/patients/me", json=PROFILE, headers=as_role("patient", patient_id)).status_code
    return patient_id


def test_a_doctor_with_an_appointment_reads_the_patients_profile(
    client: FlaskClient, appointment_ms: AppointmentStub
) -> None:
    patient_id, doctor = patient_with_profile(client), uuid.uuid4()
    appointment_ms.add(doctor, patient_id)

    read = client.get(f"/api/v1/patients/{patient_id}", headers=as_role("doctor", doctor))

    assert read.status_code == 200
    assert read.json["full_name"] == "Maria Schmidt"
    asked = appointment_ms.requests[-1]
    assert asked["path"] == "/internal/relationships"
    assert asked["query"] == {"doctor_user_id": str(doctor), "patient_id": str(patient_id)}
    assert asked["headers"]["X-Internal-Token"] == INTERNAL_TOKEN


def test_any_other_doctor_gets_the_same_404_as_for_a_profile_that_does_not_exist(
    client: FlaskClient, appointment_ms: AppointmentStub
) -> None:
    patient_id, treating = patient_with_profile(client), uuid.uuid4()
    appointment_ms.add(treating, patient_id)
    stranger = as_role("doctor")

    hidden = client.get(f"/api/v1/patients/{patient_id}", headers=stranger)
    missing = client.get(f"/api/v1/patients/{uuid.uuid4()}", headers=stranger)

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json == missing.json
    assert hidden.mimetype == "application/problem+json"


def test_a_treating_doctor_can_neither_change_nor_delete_the_profile(
    client: FlaskClient, appointment_ms: AppointmentStub
) -> None:
    patient_id, doctor = patient_with_profile(client), uuid.uuid4()
    appointment_ms.add(doctor, patient_id)
    headers = as_role("doctor", doctor)

    changed = client.put(
        f"/api/v1/patients/{patient_id}", json={**PROFILE, "full_name": "X"}, headers=headers
    )
    deleted = client.delete(f"/api/v1/patients/{patient_id}", headers=headers)

    assert (changed.status_code, deleted.status_code) == (404, 404)
    assert client.get(f"/api/v1/patients/{patient_id}", headers=headers).json["full_name"] == "Maria Schmidt"


def test_when_appointment_ms_fails_a_doctor_gets_a_503_problem_and_no_profile(
    client: FlaskClient, appointment_ms: AppointmentStub
) -> None:
    patient_id, doctor = patient_with_profile(client), uuid.uuid4()
    appointment_ms.add(doctor, patient_id)
    appointment_ms.status = 500

    read = client.get(f"/api/v1/patients/{patient_id}", headers=as_role("doctor", doctor))

    assert read.status_code == 503
    assert read.mimetype == "application/problem+json"
    assert read.headers["Retry-After"]
    assert "full_name" not in read.json


def test_when_appointment_ms_is_unreachable_a_doctor_gets_503_and_patients_are_unaffected(
    settings: Settings,
) -> None:
    unreachable = replace(settings, appointment_internal_url=f"http://127.0.0.1:{free_port()}")
    with running_app(create_app(unreachable), tables=("patients",)) as app:
        client = app.test_client()
        patient_id = patient_with_profile(client)

        by_doctor = client.get(f"/api/v1/patients/{patient_id}", headers=as_role("doctor"))
        by_patient = client.get(f"/api/v1/patients/{patient_id}", headers=as_role("patient", patient_id))

    assert by_doctor.status_code == 503
    assert by_doctor.mimetype == "application/problem+json"
    assert by_patient.status_code == 200


def test_a_token_appointment_ms_refuses_never_grants_access(
    settings: Settings, appointment_ms: AppointmentStub
) -> None:
    appointment_ms.token = "the-token-appointment-ms-expects"
    try:
        with running_app(create_app(settings), tables=("patients",)) as app:
            read = app.test_client().get(f"/api/v1/patients/{uuid.uuid4()}", headers=as_role("doctor"))
    finally:
        appointment_ms.token = INTERNAL_TOKEN

    assert read.status_code == 503
