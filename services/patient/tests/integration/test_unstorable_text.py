"""Text PostgreSQL cannot store (U+0000, unpaired surrogates; found by schemathesis) is a 422, never a 500."""

import uuid

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN

from .test_profiles import PROFILE, patient


def test_a_profile_with_a_nul_character_in_the_city_is_a_422_and_stores_nothing(client: FlaskClient) -> None:
    me = patient()
    address = {**PROFILE["address"], "city": "Ber\x00lin"}

    response = client.put("/api/v1/patients/me", json={**PROFILE, "address": address}, headers=me)

    assert response.status_code == 422 and list(response.json["errors"]) == ["address.city"]
    assert client.get("/api/v1/patients/me", headers=me).status_code == 404


def test_an_unpaired_surrogate_in_the_name_is_a_422_not_a_500(client: FlaskClient) -> None:
    raw = '{"full_name": "Maria \\ud800", "date_of_birth": "1985-04-12", "phone": "+49 30 1234567"}'

    response = client.put("/api/v1/patients/me", data=raw, content_type="application/json", headers=patient())

    assert response.status_code == 422 and list(response.json["errors"]) == ["full_name"]


def test_a_nul_character_in_the_admins_patient_search_is_a_422_naming_the_parameter(
    client: FlaskClient,
) -> None:
    admin = identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN)

    response = client.get("/api/v1/patients/?q=Mar%00ia", headers=admin)

    assert response.status_code == 422 and list(response.json["errors"]) == ["q"]
