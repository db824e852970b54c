"""A schedule as GET answers it is accepted back by PUT unchanged: read-only fields are checked or ignored."""

from flask.testing import FlaskClient

from .helpers import PUBLIC, WEEK, admin, as_doctor, create_doctor


def doctor_with_a_week(client: FlaskClient) -> tuple[dict, dict[str, str]]:
    doctor, user_id = create_doctor(client)
    me = as_doctor(user_id)
    put = client.put("/api/v1/doctors/me/schedule", json=WEEK, headers={**me, "If-Match": '"1"'})
    assert put.status_code == 200, put.json
    return doctor, me


def test_a_doctor_puts_back_the_identical_json_of_their_get_and_gets_200_with_the_same_etag(
    client: FlaskClient,
) -> None:
    _, me = doctor_with_a_week(client)
    read = client.get("/api/v1/doctors/me/schedule", headers=me)

    put = client.put(
        "/api/v1/doctors/me/schedule",
        data=read.data,
        headers={**me, "If-Match": read.headers["ETag"]},
        content_type="application/json",
    )

    assert put.status_code == 200, put.json
    assert put.headers["ETag"] == read.headers["ETag"] == '"2"' and put.json["version"] == 2
    assert put.json == read.json
    assert set(read.json) >= {"doctor_id", "version", "weekly", "appointment_types"}


def test_an_admin_puts_back_the_public_get_of_a_doctors_schedule_and_gets_200(client: FlaskClient) -> None:
    doctor, _ = doctor_with_a_week(client)
    url = f"/api/v1/doctors/{doctor['id']}/schedule"
    read = client.get(url, headers=PUBLIC)

    put = client.put(url, json=read.json, headers={**admin(), "If-Match": read.headers["ETag"]})

    assert put.status_code == 200, put.json
    assert put.json["doctor_id"] == doctor["id"]
    assert put.json["weekly"] == read.json["weekly"]


def test_a_schedule_naming_another_doctor_is_a_422_naming_doctor_id_and_changes_nothing(
    client: FlaskClient,
) -> None:
    doctor, me = doctor_with_a_week(client)
    other, _ = create_doctor(client, full_name="Dr. Ben Okafor")
    read = client.get("/api/v1/doctors/me/schedule", headers=me)
    headers = {**me, "If-Match": read.headers["ETag"]}

    wrong = client.put(
        "/api/v1/doctors/me/schedule", json={**read.json, "doctor_id": other["id"]}, headers=headers
    )
    garbage = client.put(
        "/api/v1/doctors/me/schedule", json={**read.json, "doctor_id": "nobody"}, headers=headers
    )
    to_other = client.put(
        f"/api/v1/doctors/{other['id']}/schedule", json=read.json, headers={**admin(), "If-Match": '"1"'}
    )

    for response in (wrong, garbage, to_other):
        assert response.status_code == 422, response.json
        assert response.mimetype == "application/problem+json"
        assert list(response.json["errors"]) == ["doctor_id"]
    assert doctor["id"] in wrong.json["errors"]["doctor_id"][0]
    assert client.get("/api/v1/doctors/me/schedule", headers=me).headers["ETag"] == read.headers["ETag"]
    assert client.get(f"/api/v1/doctors/{other['id']}/schedule", headers=PUBLIC).headers["ETag"] == '"1"'


def test_a_stale_if_match_is_still_412_whatever_version_the_body_carries(client: FlaskClient) -> None:
    _, me = doctor_with_a_week(client)
    read = client.get("/api/v1/doctors/me/schedule", headers=me)
    stale = {**me, "If-Match": read.headers["ETag"]}
    changed = {**read.json, "buffer_minutes": read.json["buffer_minutes"] + 5}
    assert client.put("/api/v1/doctors/me/schedule", json=changed, headers=stale).status_code == 200

    again = client.put("/api/v1/doctors/me/schedule", json=read.json, headers=stale)
    claims_current = client.put(
        "/api/v1/doctors/me/schedule", json={**read.json, "version": read.json["version"] + 1}, headers=stale
    )
    current = client.get("/api/v1/doctors/me/schedule", headers=me)
    odd_version = client.put(
        "/api/v1/doctors/me/schedule",
        json={**current.json, "version": "not a number"},
        headers={**me, "If-Match": current.headers["ETag"]},
    )

    assert (again.status_code, claims_current.status_code) == (412, 412)
    assert again.json["current_etag"] == current.headers["ETag"]
    assert odd_version.status_code == 200  # the body's version is ignored: If-Match is the precondition


def test_the_openapi_document_keeps_doctor_id_and_version_read_only(client: FlaskClient) -> None:
    spec = client.get("/openapi.json", headers=PUBLIC).json

    schedule = spec["components"]["schemas"]["Schedule"]["properties"]

    assert schedule["doctor_id"]["readOnly"] is True and schedule["doctor_id"]["format"] == "uuid"
    assert schedule["version"]["readOnly"] is True
