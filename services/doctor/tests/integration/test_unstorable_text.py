"""Text PostgreSQL cannot store (U+0000, unpaired surrogates; found by schemathesis) is a 422, never a 500."""

import uuid

from flask.testing import FlaskClient

from .helpers import PUBLIC, admin, as_doctor, create_doctor


def test_adding_a_doctor_with_a_nul_character_in_the_name_is_a_422_and_adds_nobody(
    client: FlaskClient,
) -> None:
    body = {
        "user_id": str(uuid.uuid4()),
        "full_name": "Dr.\x00Weber",
        "specializations": ["cardiology"],
        "time_zone": "Europe/Berlin",
    }

    response = client.post("/api/v1/doctors/", json=body, headers=admin())

    assert response.status_code == 422 and list(response.json["errors"]) == ["full_name"]
    assert client.get("/api/v1/doctors/", headers=PUBLIC).json["total"] == 0


def test_a_nul_character_in_a_profile_change_is_a_422_and_changes_nothing(client: FlaskClient) -> None:
    doctor, user_id = create_doctor(client)

    response = client.patch(
        "/api/v1/doctors/me",
        json={"full_name": "Dr. Anna Weber-Roth", "bio": "Cardio\x00logist"},
        headers=as_doctor(user_id),
    )

    assert response.status_code == 422 and list(response.json["errors"]) == ["bio"]
    assert client.get(f"/api/v1/doctors/{doctor['id']}", headers=PUBLIC).json == doctor


def test_a_nul_character_in_the_directory_search_is_a_422_naming_the_parameter(client: FlaskClient) -> None:
    response = client.get("/api/v1/doctors/?q=Web%00er", headers=PUBLIC)

    assert response.status_code == 422 and list(response.json["errors"]) == ["q"]
