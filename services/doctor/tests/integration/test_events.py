"""Every change leaves an outbox row; the relay streams them in order, even after a Redis outage."""

from dataclasses import replace

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from doctor_service.config import Settings
from hospital_shared.events import PostgresAdvisoryLock, latest_versions
from hospital_shared.redis_client import make_redis
from hospital_testing import free_port, redis_url

from .helpers import WEEK, app_for, as_doctor, create_doctor, days_ahead, doctor_events


def put_week(client: FlaskClient, user_id, etag: str, **changes) -> str:
    response = client.put(
        "/api/v1/doctors/me/schedule",
        json={**WEEK, **changes},
        headers={**as_doctor(user_id), "If-Match": etag},
    )
    assert response.status_code == 200, response.json
    return response.headers["ETag"]


def test_a_schedule_change_reaches_the_stream_with_the_full_schedule_and_a_growing_version(
    app: Flask, client: FlaskClient
) -> None:
    doctor, user_id = create_doctor(client)
    etag = put_week(client, user_id, '"1"')
    put_week(client, user_id, etag, buffer_minutes=10)

    published = app.extensions["container"].relay_runner().run_once()
    events = list(doctor_events(app).replay())

    assert published == 3
    assert [(e.type, e.version) for e in events] == [
        ("doctor.created", 1),
        ("doctor.schedule_replaced", 2),
        ("doctor.schedule_replaced", 3),
    ]
    last = events[-1].payload
    assert last["doctor"] == {
        "id": doctor["id"],
        "user_id": str(user_id),
        "full_name": "Dr. Anna Weber",
        "specializations": [{"slug": "cardiology", "name": "Cardiology", "default_duration_minutes": 30}],
        "time_zone": "Europe/Berlin",
        "accepting_new_patients": True,
        "languages": ["en"],
        "clinic": "",
        "location": "",
        "photo_url": None,
        "active": True,
        "deactivated": False,
        "account_disabled": False,
        "account_role": "doctor",
    }
    assert last["schedule"]["version"] == 3
    assert last["schedule"]["buffer_minutes"] == 10
    assert last["schedule"]["weekly"]["monday"] == WEEK["weekly"]["monday"]
    assert last["schedule"]["appointment_types"][0]["duration_minutes"] == 45
    assert last["time_off"] == []
    assert {e.aggregate_id for e in events} == {doctor["id"]}
    assert app.extensions["container"].outbox_store().pending_count() == 0


def test_time_off_and_profile_changes_are_events_too(app: Flask, client: FlaskClient) -> None:
    _, user_id = create_doctor(client)
    me = as_doctor(user_id)
    client.post("/api/v1/doctors/me/time-off", headers=me, json={"start_date": days_ahead(30)})
    client.patch("/api/v1/doctors/me", headers=me, json={"accepting_new_patients": False})

    app.extensions["container"].relay_runner().run_once()
    events = list(doctor_events(app).replay())

    assert [e.type for e in events] == ["doctor.created", "doctor.time_off_added", "doctor.profile_updated"]
    assert events[-1].payload["time_off"][0]["start_date"] == days_ahead(30)
    assert events[-1].payload["doctor"]["accepting_new_patients"] is False


def test_the_event_carries_languages_clinic_location_and_photo_for_the_slot_finder(
    app: Flask, client: FlaskClient
) -> None:
    profile = {
        "languages": ["de", "en", "pt-BR"],
        "clinic": "Herzzentrum Mitte",
        "location": "Berlin, Friedrichstraße 12",
        "photo_url": "https://example.org/weber.jpg",
    }
    _, user_id = create_doctor(client, **profile)
    client.patch("/api/v1/doctors/me", headers=as_doctor(user_id), json={"languages": ["fr"], "clinic": ""})

    app.extensions["container"].relay_runner().run_once()
    created, updated = (e.payload["doctor"] for e in doctor_events(app).replay())

    assert {key: created[key] for key in profile} == profile
    assert (updated["languages"], updated["clinic"], updated["location"]) == (
        ["fr"],
        "",
        "Berlin, Friedrichstraße 12",
    )
    assert updated["photo_url"] == "https://example.org/weber.jpg"


def test_a_change_made_while_redis_is_down_is_kept_and_published_once_redis_is_back(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    down = app_for(replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/13"))
    try:
        down_client = down.test_client()
        _, user_id = create_doctor(down_client)
        put_week(down_client, user_id, '"1"')  # the write itself never needs Redis
        down_runner = down.extensions["container"].relay_runner()

        with pytest.raises(redis.ConnectionError):
            down_runner.run_once()
        down_runner.stop()

        assert down.extensions["container"].outbox_store().pending_count() == 2
        assert list(doctor_events(app).replay()) == []
    finally:
        down.extensions["container"].close()

    published = app.extensions["container"].relay_runner().run_once()
    events = list(doctor_events(app).replay())

    assert published == 2
    assert [(e.type, e.version) for e in events] == [("doctor.created", 1), ("doctor.schedule_replaced", 2)]
    assert events[-1].payload["schedule"]["weekly"]["wednesday"] == [{"start": "08:00", "end": "14:00"}]
    assert app.extensions["container"].outbox_store().pending_count() == 0


def test_the_background_relay_publishes_without_being_asked(app: Flask, client: FlaskClient) -> None:
    create_doctor(client)
    runner = app.extensions["container"].relay_runner()
    runner.interval = 0.05
    runner.start_in_background()
    try:
        reader = doctor_events(app, redis=make_redis(redis_url("doctor"), timeout_seconds=5))
        events = reader.read(block_ms=3000)
    finally:
        runner.stop()

    assert [e.type for e in events] == ["doctor.created"]


def test_only_one_relay_holds_the_publishing_lock_at_a_time(app: Flask) -> None:
    engine = app.extensions["container"].engine
    first, second = PostgresAdvisoryLock(engine, "test-lock"), PostgresAdvisoryLock(engine, "test-lock")

    try:
        assert first.try_acquire() is True
        assert second.try_acquire() is False
        first.release()
        assert second.try_acquire() is True
    finally:
        first.release()
        second.release()


def test_a_consumer_can_replay_from_the_beginning_or_read_after_an_id(
    app: Flask, client: FlaskClient
) -> None:
    a, a_user = create_doctor(client)
    b, _ = create_doctor(client, full_name="Dr. Bruno Keller")
    put_week(client, a_user, '"1"')
    app.extensions["container"].relay_runner().run_once()
    reader = doctor_events(app, redis=make_redis(redis_url("doctor")))

    everything = list(reader.replay(page_size=2))
    after_first = reader.read(after=everything[0].stream_id)
    newest = latest_versions(everything + everything)  # a duplicate delivery changes nothing

    assert len(everything) == 3 and len(after_first) == 2
    assert {k: v.version for k, v in newest.items()} == {a["id"]: 2, b["id"]: 1}


def _outbox_backlog(client: FlaskClient) -> float:
    sample = 'hospital_outbox_backlog{outbox="doctor_outbox"} '
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith(sample):
            return float(line.removeprefix(sample))
    raise AssertionError("no outbox backlog on /metrics")


def test_the_outbox_backlog_on_metrics_counts_rows_until_the_relay_publishes_them(
    app: Flask, client: FlaskClient
) -> None:
    create_doctor(client)
    assert _outbox_backlog(client) >= 1

    app.extensions["container"].relay_runner().run_once()

    assert _outbox_backlog(client) == 0
