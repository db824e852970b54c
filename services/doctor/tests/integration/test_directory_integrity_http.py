"""Round trips, preconditions, lists and directory integrity over HTTP, against real PostgreSQL and Redis."""

import json
import uuid
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from doctor_service.ports import Account

from ..fakes import FakeAccounts
from .helpers import PUBLIC, WEEK, admin, as_doctor, create_doctor, days_ahead, doctor_events

ME = "/api/v1/doctors/me"


def test_a_profile_get_goes_back_unchanged_through_patch_and_put(client: FlaskClient) -> None:
    _, user_id = create_doctor(client, specializations=["cardiology", "general-practice"])
    me = as_doctor(user_id)
    read = client.get(ME, headers=me)
    assert read.json["specializations"][0] == {"slug": "cardiology", "name": "Cardiology"}

    patched = client.patch(ME, data=read.data, content_type="application/json", headers=me)
    put = client.put(
        ME, data=read.data, content_type="application/json", headers={**me, "If-Match": read.headers["ETag"]}
    )

    assert (patched.status_code, put.status_code) == (200, 200), (patched.json, put.json)
    assert read.headers["ETag"] == patched.headers["ETag"] == put.headers["ETag"] == '"1"'
    assert put.json == read.json


def test_a_profile_put_needs_if_match_and_a_stale_one_is_412(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    read = client.get(ME, headers=me).json
    changed = {**read, "bio": "Cardiologist."}

    missing = client.put(ME, json=changed, headers=me)
    bare = client.put(ME, json=changed, headers={**me, "If-Match": "1"})
    stale = client.put(ME, json={**changed, "bio": "Later."}, headers={**me, "If-Match": '"1"'})
    weak = client.put(ME, json=changed, headers={**me, "If-Match": 'W/"2"'})

    assert (missing.status_code, bare.status_code, stale.status_code) == (428, 200, 412)
    assert bare.headers["ETag"] == '"2"'
    assert weak.status_code == 412 and "strong" in weak.json["detail"]


def test_a_profile_naming_another_user_id_is_422(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    read = client.get(ME, headers=me).json

    answer = client.put(ME, json={**read, "user_id": str(uuid.uuid4())}, headers={**me, "If-Match": '"1"'})

    assert answer.status_code == 422 and list(answer.json["errors"]) == ["user_id"]


def test_the_public_profile_has_an_etag(client: FlaskClient) -> None:
    doctor, _ = create_doctor(client)

    assert client.get(f"/api/v1/doctors/{doctor['id']}", headers=PUBLIC).headers["ETag"] == '"1"'


def test_if_match_with_or_without_quotes_means_the_same_for_the_schedule(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)

    bare = client.put(f"{ME}/schedule", json=WEEK, headers={**me, "If-Match": "1"})
    weak = client.put(
        f"{ME}/schedule", json={**WEEK, "buffer_minutes": 0}, headers={**me, "If-Match": 'W/"2"'}
    )
    star = client.put(f"{ME}/schedule", json={**WEEK, "buffer_minutes": 0}, headers={**me, "If-Match": "*"})

    assert (bare.status_code, weak.status_code, star.status_code) == (200, 412, 200)
    assert star.headers["ETag"] == '"3"'


def test_shape_and_rule_errors_of_a_schedule_come_in_one_answer(client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    weekly = {
        "monday": [{"start": "09:00", "end": "25:00"}],
        "tuesday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}],
        "wednesday": [{"start": 9, "end": "12:00"}],
    }

    answer = client.put(
        f"{ME}/schedule",
        json={**WEEK, "weekly": weekly, "slot_step_minutes": "often"},
        headers={**as_doctor(user_id), "If-Match": '"1"'},
    )

    assert answer.status_code == 422
    errors = answer.json["errors"]
    assert {"weekly.monday[0].end", "weekly.tuesday", "slot_step_minutes"} <= set(errors), errors
    assert any(key.startswith("weekly.wednesday") for key in errors), errors


def test_the_catalog_answers_the_one_list_shape(client: FlaskClient) -> None:
    answer = client.get("/api/v1/doctors/specializations", headers=PUBLIC).json
    small = client.get("/api/v1/doctors/specializations?page_size=2&page=2", headers=PUBLIC).json

    assert set(answer) == {"items", "page", "page_size", "total"}
    assert answer["total"] == len(answer["items"]) >= 10
    assert small["items"] == answer["items"][2:4] and small["total"] == answer["total"]


def test_updated_since_lists_what_changed_in_the_order_it_changed(client: FlaskClient) -> None:
    first, first_user = create_doctor(client, full_name="Dr. Zoe Zimmer")
    create_doctor(client, full_name="Dr. Adam Alt")
    since = datetime.now(UTC).isoformat()
    client.patch(ME, json={"bio": "Changed."}, headers=as_doctor(first_user))
    third, _ = create_doctor(client, full_name="Dr. Mia Mitte")

    answer = client.get("/api/v1/doctors", query_string={"updated_since": since}, headers=PUBLIC)

    assert [d["id"] for d in answer.json["items"]] == [first["id"], third["id"]]
    assert client.get("/api/v1/doctors?updated_since=yesterday", headers=PUBLIC).status_code == 422


def test_a_deactivated_doctor_is_hidden_from_the_public_but_not_from_admins_or_themself(
    client: FlaskClient,
) -> None:
    doctor, user_id = create_doctor(client)
    url = f"/api/v1/doctors/{doctor['id']}"

    assert client.post(f"{url}/deactivate", headers=as_doctor(user_id)).status_code == 403
    deactivated = client.post(f"{url}/deactivate", headers=admin())

    assert deactivated.status_code == 200 and deactivated.json["active"] is False
    assert client.get("/api/v1/doctors", headers=PUBLIC).json["total"] == 0
    assert client.get(url, headers=PUBLIC).status_code == 404
    assert client.get(url, headers=admin()).json["active"] is False
    assert client.get(ME, headers=as_doctor(user_id)).status_code == 200
    assert client.get("/api/v1/doctors?include_inactive=true", headers=admin()).json["total"] == 1
    assert client.get("/api/v1/doctors?include_inactive=true", headers=PUBLIC).status_code == 403
    assert client.get(f"{ME}/schedule", headers=as_doctor(user_id)).status_code == 200

    assert client.post(f"{url}/activate", headers=admin()).json["active"] is True
    assert client.get(url, headers=PUBLIC).status_code == 200


def test_a_doctor_for_a_patient_account_or_no_account_is_refused_and_nothing_written(
    app: Flask, client: FlaskClient, accounts: FakeAccounts
) -> None:
    patient, nobody = uuid.uuid4(), uuid.uuid4()
    accounts.known[patient] = Account(patient, "patient", False)
    accounts.known[nobody] = None
    body = {"full_name": "Dr. X", "specializations": ["cardiology"], "time_zone": "Europe/Berlin"}

    answers = [
        client.post("/api/v1/doctors/", json={**body, "user_id": str(u)}, headers=admin())
        for u in (patient, nobody)
    ]
    accounts.down = True
    down = client.post("/api/v1/doctors/", json={**body, "user_id": str(uuid.uuid4())}, headers=admin())

    assert [a.status_code for a in answers] == [422, 422]
    assert all(list(a.json["errors"]) == ["user_id"] for a in answers)
    assert down.status_code == 503 and down.mimetype == "application/problem+json"
    assert client.get("/api/v1/doctors?include_inactive=true", headers=admin()).json["total"] == 0
    assert app.extensions["container"].outbox_store().pending_count() == 0


def test_past_and_overlapping_time_off_is_refused_for_the_doctor_and_for_admins(client: FlaskClient) -> None:
    doctor, user_id = create_doctor(client)
    mine, theirs = f"{ME}/time-off", f"/api/v1/doctors/{doctor['id']}/time-off"
    me = as_doctor(user_id)

    past = client.post(mine, json={"start_date": "2020-01-01", "end_date": "2020-01-02"}, headers=me)
    admin_past = client.post(theirs, json={"start_date": "2020-01-01"}, headers=admin())
    first = client.post(mine, json={"start_date": days_ahead(30), "end_date": days_ahead(32)}, headers=me)
    overlap = client.post(theirs, json={"start_date": days_ahead(32)}, headers=admin())

    assert [r.status_code for r in (past, admin_past, first, overlap)] == [422, 422, 201, 422]
    assert list(past.json["errors"]) == ["start_date"] and list(overlap.json["errors"]) == ["start_date"]


def _xadd_account_event(
    app: Flask, user_id: uuid.UUID, *, disabled: bool = False, role: str | None = None
) -> None:
    kind = "account.role_changed" if role else "account.disabled" if disabled else "account.enabled"
    payload = {
        "schema_version": 1,
        "type": kind,
        "user_id": str(user_id),
        "version": 2,
        "occurred_at": datetime.now(UTC).isoformat(),
        "account": {"id": str(user_id), "role": role or "doctor", "disabled": disabled},
    }
    app.extensions["container"].redis.xadd(
        app.extensions["container"].settings.account_events_stream,
        {
            "event_id": str(uuid.uuid4()),
            "type": kind,
            "aggregate_id": str(user_id),
            "version": "2",
            "occurred_at": payload["occurred_at"],
            "payload": json.dumps(payload),
        },
    )


def test_a_disabled_account_from_the_stream_hides_its_doctor_and_tells_appointment_ms(
    app: Flask, client: FlaskClient
) -> None:
    doctor, user_id = create_doctor(client)
    follower = app.extensions["container"].account_follower()
    follower.relay.block_ms = None

    _xadd_account_event(app, user_id, disabled=True)
    follower.run_once()
    hidden = client.get("/api/v1/doctors", headers=PUBLIC).json["total"]
    _xadd_account_event(app, user_id, disabled=False)
    follower.run_once()
    follower.run_once()  # nothing new: nothing changes

    assert (hidden, client.get("/api/v1/doctors", headers=PUBLIC).json["total"]) == (0, 1)
    assert app.extensions["container"].relay_runner().run_once() == 3
    events = list(doctor_events(app).replay())
    assert [(e.type, e.payload["doctor"]["active"]) for e in events[1:]] == [
        ("doctor.account_disabled", False),
        ("doctor.account_enabled", True),
    ]
    assert events[-1].aggregate_id == doctor["id"]
    follower.stop()


def test_an_account_given_another_role_hides_its_doctor_until_it_is_a_doctor_account_again(
    app: Flask, client: FlaskClient
) -> None:
    doctor, user_id = create_doctor(client)
    follower = app.extensions["container"].account_follower()
    follower.relay.block_ms = None
    profile = f"/api/v1/doctors/{doctor['id']}"

    _xadd_account_event(app, user_id, role="patient")
    follower.run_once()
    hidden = client.get("/api/v1/doctors", headers=PUBLIC).json["total"]
    as_admin = client.get(profile, headers=admin()).json
    _xadd_account_event(app, user_id, role="doctor")
    follower.run_once()

    assert (hidden, client.get("/api/v1/doctors", headers=PUBLIC).json["total"]) == (0, 1)
    flags = (as_admin["account_role"], as_admin["active"], as_admin["account_disabled"])
    assert flags == ("patient", True, False)  # only the account's role hid them
    assert client.get(profile, headers=PUBLIC).json["account_role"] == "doctor"
    assert app.extensions["container"].relay_runner().run_once() == 3
    events = list(doctor_events(app).replay())
    told = [(e.type, e.payload["doctor"]["active"], e.payload["doctor"]["account_role"]) for e in events[1:]]
    assert told == [
        ("doctor.account_role_changed", False, "patient"),
        ("doctor.account_role_changed", True, "doctor"),
    ]
