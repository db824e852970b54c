"""Weekly schedules and time off over HTTP: one-document replacement, ETags, permissions and bad input."""

import uuid

from flask.testing import FlaskClient

from hospital_testing import INTERNAL_TOKEN, identity_headers

from .helpers import PUBLIC, WEEK, admin, as_doctor, create_doctor, days_ahead


def test_a_doctor_replaces_the_whole_week_in_one_put_and_a_stale_etag_gets_412(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    etag = client.get("/api/v1/doctors/me/schedule", headers=me).headers["ETag"]

    first = client.put("/api/v1/doctors/me/schedule", json=WEEK, headers={**me, "If-Match": etag})
    stale = client.put(
        "/api/v1/doctors/me/schedule", json={**WEEK, "buffer_minutes": 0}, headers={**me, "If-Match": etag}
    )

    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    assert first.json["weekly"]["monday"] == WEEK["weekly"]["monday"]
    assert first.json["appointment_types"] == [
        {"code": "cardiology", "name": "Cardiology consultation", "duration_minutes": 45},
        {"code": "follow-up", "name": "Follow-up", "duration_minutes": 15},
    ]
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert client.get("/api/v1/doctors/me/schedule", headers=me).json["buffer_minutes"] == 5


def test_a_put_without_if_match_is_428(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)

    response = client.put("/api/v1/doctors/me/schedule", json=WEEK, headers=as_doctor(user_id))

    assert response.status_code == 428


def test_the_public_can_read_a_doctors_schedule_with_its_etag(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)

    response = client.get(f"/api/v1/doctors/{doctor['id']}/schedule", headers=PUBLIC)

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json["time_zone"] == "Europe/Berlin"


def test_a_patient_or_another_doctor_cannot_change_someones_schedule(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)
    url = f"/api/v1/doctors/{doctor['id']}/schedule"
    patient = identity_headers(uuid.uuid4(), "patient", INTERNAL_TOKEN)

    by_patient = client.put(url, json=WEEK, headers={**patient, "If-Match": '"1"'})
    by_other_doctor = client.put(url, json=WEEK, headers={**as_doctor(uuid.uuid4()), "If-Match": '"1"'})
    patient_on_me = client.put(
        "/api/v1/doctors/me/schedule", json=WEEK, headers={**patient, "If-Match": '"1"'}
    )

    assert (by_patient.status_code, by_other_doctor.status_code, patient_on_me.status_code) == (403, 403, 403)
    assert client.get(url, headers=PUBLIC).headers["ETag"] == '"1"'


def test_an_admin_replaces_any_doctors_schedule(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)

    response = client.put(
        f"/api/v1/doctors/{doctor['id']}/schedule", json=WEEK, headers={**admin(), "If-Match": '"1"'}
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


def bad_put(client: FlaskClient, document: dict) -> tuple[int, dict, str]:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    response = client.put("/api/v1/doctors/me/schedule", json=document, headers={**me, "If-Match": '"1"'})
    after = client.get("/api/v1/doctors/me/schedule", headers=me)
    return response.status_code, response.json.get("errors", {}), after.headers["ETag"]


def test_bad_schedules_are_4xx_naming_the_field_and_change_nothing(client: FlaskClient) -> None:
    cases = {
        "overlap": (
            {
                **WEEK,
                "weekly": {
                    "monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:30", "end": "13:00"}]
                },
            },
            "weekly.monday",
        ),
        "end before start": (
            {**WEEK, "weekly": {"friday": [{"start": "17:00", "end": "09:00"}]}},
            "weekly.friday[0].end",
        ),
        "unknown zone": ({**WEEK, "time_zone": "Europe/Atlantis"}, "time_zone"),
        "step": (
            {**WEEK, "appointment_types": [{"code": "x", "name": "X", "duration_minutes": 20}]},
            "appointment_types[0].duration_minutes",
        ),
        "bad clock": (
            {**WEEK, "weekly": {"monday": [{"start": "9", "end": "17:00"}]}},
            "weekly.monday[0].start",
        ),
        "bad weekday": ({**WEEK, "weekly": {"someday": []}}, "weekly.someday"),
    }
    for name, (document, field) in cases.items():
        status, errors, etag_after = bad_put(client, document)
        assert status == 422, name
        assert field in errors, (name, errors)
        assert etag_after == '"1"', name


def test_time_off_is_added_listed_and_removed(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    christmas, after = days_ahead(30), days_ahead(33)

    holiday = client.post(
        "/api/v1/doctors/me/time-off",
        headers=me,
        json={"start_date": christmas, "end_date": days_ahead(32), "reason": "Holidays"},
    )
    custom = client.post(
        "/api/v1/doctors/me/time-off",
        headers=me,
        json={"kind": "custom_hours", "start_date": after, "start_time": "10:00", "end_time": "12:00"},
    )
    listed = client.get("/api/v1/doctors/me/time-off", headers=me).json["items"]
    removed = client.delete(f"/api/v1/doctors/me/time-off/{holiday.json['id']}", headers=me)

    assert holiday.status_code == 201 and custom.status_code == 201
    assert [(e["kind"], e["start_date"], e["start_time"]) for e in listed] == [
        ("time_off", christmas, None),
        ("custom_hours", after, "10:00"),
    ]
    assert removed.status_code == 204
    assert len(client.get("/api/v1/doctors/me/time-off", headers=me).json["items"]) == 1
    assert client.delete(f"/api/v1/doctors/me/time-off/{holiday.json['id']}", headers=me).status_code == 404


def test_bad_time_off_is_a_422_naming_the_field(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)

    response = client.post(
        "/api/v1/doctors/me/time-off",
        headers=as_doctor(user_id),
        json={"start_date": days_ahead(30), "end_date": days_ahead(26)},
    )

    assert response.status_code == 422
    assert list(response.json["errors"]) == ["end_date"]


def test_another_doctor_cannot_see_or_change_time_off(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)
    url = f"/api/v1/doctors/{doctor['id']}/time-off"
    other = as_doctor(uuid.uuid4())

    assert client.get(url, headers=other).status_code == 403
    assert client.post(url, headers=other, json={"start_date": days_ahead(30)}).status_code == 403
    assert client.post(url, headers=admin(), json={"start_date": days_ahead(30)}).status_code == 201


def test_two_editors_putting_with_the_same_etag_at_once_get_one_200_and_one_412(
    app, client: FlaskClient
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, user_id = create_doctor(client)
    headers = {**as_doctor(user_id), "If-Match": '"1"'}

    def put(buffer: int) -> int:
        document = {**WEEK, "buffer_minutes": buffer}
        return (
            app.test_client().put("/api/v1/doctors/me/schedule", json=document, headers=headers).status_code
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(put, [0, 5, 10, 15]))

    assert statuses == [200, 412, 412, 412]
    assert client.get("/api/v1/doctors/me/schedule", headers=as_doctor(user_id)).headers["ETag"] == '"2"'
