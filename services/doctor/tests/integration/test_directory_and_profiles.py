"""The catalog, the public directory and doctor profiles over HTTP with a real database."""

import uuid

from flask.testing import FlaskClient

from hospital_testing import INTERNAL_TOKEN, identity_headers

from .helpers import PUBLIC, admin, as_doctor, create_doctor


def test_the_catalog_holds_at_least_twelve_real_specializations_after_migrations(client: FlaskClient) -> None:
    items = client.get("/api/v1/doctors/specializations", headers=PUBLIC).json["items"]

    assert len(items) >= 12
    cardiology = next(i for i in items if i["slug"] == "cardiology")
    assert cardiology == {
        "slug": "cardiology",
        "name": "Cardiology",
        "default_duration_minutes": 30,
        "description": cardiology["description"],
    }


def test_the_public_directory_lists_cardiologists_searches_names_and_pages(client: FlaskClient) -> None:
    for name in ("Dr. Anna Weber", "Dr. Bruno Keller", "Dr. Clara Braun"):
        create_doctor(client, full_name=name)
    create_doctor(client, full_name="Dr. Dora Haut", specializations=["dermatology"])

    cardiologists = client.get("/api/v1/doctors?specialization=cardiology", headers=PUBLIC).json
    by_name = client.get("/api/v1/doctors?q=keller", headers=PUBLIC).json
    second_page = client.get(
        "/api/v1/doctors/?specialization=cardiology&page=2&page_size=2", headers=PUBLIC
    ).json

    assert cardiologists["total"] == 3
    assert [d["full_name"] for d in cardiologists["items"]] == [
        "Dr. Anna Weber",
        "Dr. Bruno Keller",
        "Dr. Clara Braun",
    ]
    assert [d["full_name"] for d in by_name["items"]] == ["Dr. Bruno Keller"]
    assert second_page == {**second_page, "page": 2, "page_size": 2, "total": 3}
    assert [d["full_name"] for d in second_page["items"]] == ["Dr. Clara Braun"]


def test_an_unknown_specialization_in_a_search_is_a_422_naming_it(client: FlaskClient) -> None:
    response = client.get("/api/v1/doctors?specialization=astrology", headers=PUBLIC)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["specialization"]


def test_a_doctors_public_profile_is_readable_without_signing_in(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client, bio="Heart specialist.", languages=["de", "en"])

    response = client.get(f"/api/v1/doctors/{doctor['id']}", headers=PUBLIC)

    assert response.status_code == 200
    assert response.json["bio"] == "Heart specialist."
    assert response.json["specializations"] == [{"slug": "cardiology", "name": "Cardiology"}]
    assert client.get(f"/api/v1/doctors/{uuid.uuid4()}", headers=PUBLIC).status_code == 404


def test_only_admins_create_doctors(client: FlaskClient) -> None:
    body = {
        "user_id": str(uuid.uuid4()),
        "full_name": "Dr. X",
        "specializations": ["cardiology"],
        "time_zone": "UTC",
    }

    assert client.post("/api/v1/doctors", json=body, headers=PUBLIC).status_code == 401
    assert client.post("/api/v1/doctors", json=body, headers=as_doctor(uuid.uuid4())).status_code == 403


def test_creating_a_doctor_with_bad_fields_names_each_and_creates_nothing(client: FlaskClient) -> None:
    body = {
        "user_id": str(uuid.uuid4()),
        "full_name": "Dr. X",
        "specializations": ["astrology"],
        "time_zone": "Mars/Base",
        "photo_url": "javascript:alert(1)",
    }

    response = client.post("/api/v1/doctors", json=body, headers=admin())

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"specializations", "time_zone", "photo_url"}
    assert client.get("/api/v1/doctors", headers=PUBLIC).json["total"] == 0


def test_a_user_can_have_only_one_doctor_profile(client: FlaskClient) -> None:
    _doctor, user_id = create_doctor(client)
    body = {
        "user_id": str(user_id),
        "full_name": "Dr. Again",
        "specializations": ["cardiology"],
        "time_zone": "UTC",
    }

    assert client.post("/api/v1/doctors", json=body, headers=admin()).status_code == 409


def test_a_doctor_edits_their_own_profile_through_me(client: FlaskClient) -> None:
    doctor, user_id = create_doctor(client)

    response = client.patch(
        "/api/v1/doctors/me",
        json={"accepting_new_patients": False, "clinic": "Charité"},
        headers=as_doctor(user_id),
    )

    assert response.status_code == 200
    assert response.json["accepting_new_patients"] is False
    assert response.json["clinic"] == "Charité"
    assert response.json["version"] == doctor["version"] + 1
    assert client.get("/api/v1/doctors/me", headers=as_doctor(user_id)).json["clinic"] == "Charité"


def test_another_doctor_cannot_edit_a_profile_but_an_admin_can(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)
    url = f"/api/v1/doctors/{doctor['id']}"

    assert client.patch(url, json={"bio": "hacked"}, headers=as_doctor(uuid.uuid4())).status_code == 403
    assert (
        client.patch(
            url, json={"bio": "x"}, headers=identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)
        ).status_code
        == 403
    )
    assert client.patch(url, json={"bio": "Updated."}, headers=admin()).json["bio"] == "Updated."


def test_a_doctor_without_a_profile_gets_404_on_me(client: FlaskClient) -> None:
    assert client.get("/api/v1/doctors/me", headers=as_doctor(uuid.uuid4())).status_code == 404


def test_the_openapi_document_describes_every_route_with_a_summary(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers=PUBLIC).json

    operations = [
        op for path in spec["paths"].values() for method, op in path.items() if method != "parameters"
    ]
    assert len(spec["paths"]) >= 10
    assert all(op.get("summary") for op in operations)
    put = spec["paths"]["/api/v1/doctors/me/schedule"]["put"]
    assert {"412", "422", "428"} <= set(put["responses"])
    assert any(p["name"] == "If-Match" for p in put["parameters"])
