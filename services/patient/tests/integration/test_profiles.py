"""Patient profiles over HTTP with a real database."""

import uuid

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN

PROFILE = {
    "full_name": "Maria Schmidt",
    "date_of_birth": "1985-04-12",
    "phone": "+49 (30) 123-4567",
    "preferred_language": "de",
    "address": {"line1": "Hauptstr. 5", "city": "Berlin", "postal_code": "10115", "country": "de"},
    "emergency_contact": {"name": "Jonas Schmidt", "phone": "0049 30 7654321", "relationship": "brother"},
}


def patient(user_id: uuid.UUID | None = None) -> dict[str, str]:
    return identity_headers(user_id or uuid.uuid4(), "patient", INTERNAL_TOKEN)


def test_a_patient_creates_then_updates_their_profile(client: FlaskClient) -> None:
    me = patient()

    created = client.put("/api/v1/patients/me", json=PROFILE, headers=me)
    updated = client.put("/api/v1/patients/me", json={**PROFILE, "phone": "+44 20 7946 0958"}, headers=me)
    read = client.get("/api/v1/patients/me", headers=me)

    assert created.status_code == 201
    assert created.json["phone"] == "+49301234567"
    assert created.json["address"]["country"] == "DE"
    assert created.json["emergency_contact"]["phone"] == "+49307654321"
    assert updated.status_code == 200
    assert read.json == {**updated.json, "phone": "+442079460958"}
    assert read.json["user_id"] == me["X-User-Id"]


def test_another_patient_can_neither_read_nor_change_a_profile(client: FlaskClient) -> None:
    owner = uuid.uuid4()
    client.put("/api/v1/patients/me", json=PROFILE, headers=patient(owner))
    stranger = patient()

    read = client.get(f"/api/v1/patients/{owner}", headers=stranger)
    changed = client.put(f"/api/v1/patients/{owner}", json={**PROFILE, "full_name": "Evil"}, headers=stranger)
    deleted = client.delete(f"/api/v1/patients/{owner}", headers=stranger)
    by_doctor = client.get(
        f"/api/v1/patients/{owner}", headers=identity_headers(uuid.uuid4(), "doctor", INTERNAL_TOKEN)
    )

    assert (read.status_code, changed.status_code, deleted.status_code, by_doctor.status_code) == (
        404,
        404,
        404,
        404,
    )
    assert (
        client.get(f"/api/v1/patients/{owner}", headers=patient(owner)).json["full_name"] == "Maria Schmidt"
    )


def test_an_admin_reads_lists_and_searches_patients_a_page_at_a_time(client: FlaskClient) -> None:
    admin = identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)
    for name in ("Anna Berg", "Bernd Maier", "Carla Maier"):
        client.put("/api/v1/patients/me", json={**PROFILE, "full_name": name}, headers=patient())

    everyone = client.get("/api/v1/patients?page_size=2", headers=admin).json
    maiers = client.get("/api/v1/patients/?q=maier", headers=admin).json
    page_two = client.get("/api/v1/patients?page=2&page_size=2", headers=admin).json

    assert (everyone["total"], everyone["page_size"], len(everyone["items"])) == (3, 2, 2)
    assert [p["full_name"] for p in maiers["items"]] == ["Bernd Maier", "Carla Maier"]
    assert [p["full_name"] for p in page_two["items"]] == ["Carla Maier"]
    some_id = everyone["items"][0]["user_id"]
    assert client.get(f"/api/v1/patients/{some_id}", headers=admin).status_code == 200


def test_only_admins_list_patients(client: FlaskClient) -> None:
    assert client.get("/api/v1/patients", headers=patient()).status_code == 403
    assert client.get("/api/v1/patients", headers={"X-Internal-Token": INTERNAL_TOKEN}).status_code == 401


def test_a_patient_deletes_their_profile(client: FlaskClient) -> None:
    me = patient()
    client.put("/api/v1/patients/me", json=PROFILE, headers=me)

    assert client.delete("/api/v1/patients/me", headers=me).status_code == 204
    assert client.get("/api/v1/patients/me", headers=me).status_code == 404
    assert client.delete("/api/v1/patients/me", headers=me).status_code == 404


def test_bad_profiles_are_422_naming_each_field_and_store_nothing(client: FlaskClient) -> None:
    me = patient()
    bad = {
        **PROFILE,
        "date_of_birth": "2999-01-01",
        "phone": "12345",
        "preferred_language": "klingon!",
        "address": {**PROFILE["address"], "country": "Germany"},
        "full_name": "x" * 121,
    }

    response = client.put("/api/v1/patients/me", json=bad, headers=me)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {"date_of_birth", "phone", "preferred_language", "address.country", "full_name"} <= set(
        response.json["errors"]
    )
    assert client.get("/api/v1/patients/me", headers=me).status_code == 404


def test_missing_required_fields_are_named(client: FlaskClient) -> None:
    response = client.put("/api/v1/patients/me", json={"full_name": "A"}, headers=patient())

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"date_of_birth", "phone"}


def test_the_openapi_document_covers_every_route(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers={"X-Internal-Token": INTERNAL_TOKEN}).json

    assert {"/api/v1/patients", "/api/v1/patients/me", "/api/v1/patients/{patient_id}"} <= set(spec["paths"])
    assert not [path for path in spec["paths"] if path.endswith("/")]  # one rule: no trailing slash
    assert "201" in spec["paths"]["/api/v1/patients/me"]["put"]["responses"]
