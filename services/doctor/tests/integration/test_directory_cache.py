"""Public reads are answered from Redis until the next change, and from PostgreSQL when Redis is gone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from doctor_service.adapters.postgres.catalog_copy import CatalogCopy
from doctor_service.adapters.redis.directory_cache import GENERATION_KEY, RedisDirectoryCache
from doctor_service.config import Settings
from hospital_shared.redis_client import make_redis
from hospital_testing import free_port

from .helpers import PUBLIC, admin, app_for, as_doctor, create_doctor, days_ahead

CARDIOLOGY = "/api/v1/doctors?specialization=cardiology"


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app sends from now on."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    engine = app.extensions["container"].engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_a_second_directory_read_is_answered_from_redis_without_postgresql(
    app: Flask, client: FlaskClient, statements: list[str]
) -> None:
    create_doctor(client)
    first = client.get(CARDIOLOGY, headers=PUBLIC)
    statements.clear()

    second = client.get(CARDIOLOGY, headers=PUBLIC)

    assert statements == []
    assert second.status_code == 200 and second.mimetype == "application/json"
    assert second.get_data() == first.get_data()
    assert [d["full_name"] for d in second.json["items"]] == ["Dr. Anna Weber"]
    kept = app.extensions["container"].redis.keys("doctor:cache:*")
    assert GENERATION_KEY in kept and any(k.startswith("doctor:cache:answer:") for k in kept)


def test_a_kept_answer_is_the_same_document_the_database_gives(app: Flask, settings: Settings) -> None:
    uncached = app_for(replace(settings, directory_cache_ttl_seconds=0))
    try:
        create_doctor(app.test_client(), languages=["de", "en"], clinic="Herzzentrum")
        paths = [CARDIOLOGY, "/api/v1/doctors?q=weber&page_size=5", "/api/v1/doctors/specializations"]
        for path in paths:
            cold = app.test_client().get(path, headers=PUBLIC).get_data()
            warm = app.test_client().get(path, headers=PUBLIC).get_data()
            direct = uncached.test_client().get(path, headers=PUBLIC).get_data()
            assert cold == warm == direct, path
    finally:
        uncached.extensions["container"].close()


@pytest.mark.parametrize(
    "change",
    ["create", "profile", "schedule", "time_off"],
)
def test_every_change_shows_in_the_next_read_at_once(client: FlaskClient, change: str) -> None:
    doctor, user_id = create_doctor(client)
    me = as_doctor(user_id)
    before = client.get(CARDIOLOGY, headers=PUBLIC).json
    profile_before = client.get(f"/api/v1/doctors/{doctor['id']}", headers=PUBLIC).json

    if change == "create":
        create_doctor(client, full_name="Dr. Bruno Keller")
    elif change == "profile":
        client.patch("/api/v1/doctors/me", headers=me, json={"full_name": "Dr. Anna Weber-Roth"})
    elif change == "schedule":
        week = {"time_zone": "Europe/Berlin", "weekly": {"monday": [{"start": "09:00", "end": "12:00"}]}}
        client.put("/api/v1/doctors/me/schedule", headers={**me, "If-Match": '"1"'}, json=week)
    else:
        client.post("/api/v1/doctors/me/time-off", headers=me, json={"start_date": days_ahead(30)})
    after = client.get(CARDIOLOGY, headers=PUBLIC).json
    profile_after = client.get(f"/api/v1/doctors/{doctor['id']}", headers=PUBLIC).json

    assert after != before  # at least the doctor's version (or the list) moved
    assert profile_after["version"] == profile_before["version"] + (0 if change == "create" else 1)
    if change == "create":
        assert after["total"] == 2
    if change == "profile":
        assert after["items"][0]["full_name"] == "Dr. Anna Weber-Roth"


def test_a_refused_request_is_never_kept(client: FlaskClient) -> None:
    assert client.get("/api/v1/doctors?specialization=astrology", headers=PUBLIC).status_code == 422
    assert client.get("/api/v1/doctors?specialization=astrology", headers=PUBLIC).status_code == 422
    missing = "/api/v1/doctors/00000000-0000-4000-8000-000000000000"
    assert client.get(missing, headers=PUBLIC).status_code == 404
    create_doctor(client)  # even a doctor created afterwards with that id would not be hidden
    assert client.get(missing, headers=PUBLIC).status_code == 404


def test_a_directory_page_is_one_count_and_one_page_query_and_the_catalog_is_not_reloaded_per_request(
    app: Flask, settings: Settings
) -> None:
    uncached = app_for(replace(settings, directory_cache_ttl_seconds=0))
    sent: list[str] = []
    event.listen(
        uncached.extensions["container"].engine, "before_cursor_execute", lambda *a: sent.append(a[2])
    )
    try:
        client = uncached.test_client()
        for name in ("Dr. Anna Weber", "Dr. Bruno Keller", "Dr. Clara Braun"):
            create_doctor(client, full_name=name, specializations=["cardiology", "general-practice"])
        client.get(CARDIOLOGY, headers=PUBLIC)
        sent.clear()

        page = client.get(CARDIOLOGY, headers=PUBLIC).json
        past_the_end = client.get(CARDIOLOGY + "&page=9", headers=PUBLIC).json
    finally:
        uncached.extensions["container"].close()

    assert len(sent) == 2 + 2  # hospital_shared.paging.paginate: a count and the page, for each page asked
    assert not [s for s in sent if re.search(r"FROM specializations\b", s)]  # the catalog: from the copy
    assert page["total"] == 3 and len(page["items"]) == 3
    assert page["items"][0]["specializations"] == [
        {"slug": "cardiology", "name": "Cardiology"},
        {"slug": "general-practice", "name": "General Practice"},
    ]
    assert past_the_end == {"items": [], "page": 9, "page_size": 20, "total": 3}


def test_with_redis_unreachable_the_directory_answers_from_postgresql_without_waiting(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    create_doctor(client)
    down = app_for(replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/13"))
    try:
        down_client = down.test_client()
        started = time.monotonic()
        answers = [down_client.get(CARDIOLOGY, headers=PUBLIC) for _ in range(5)]
        elapsed = time.monotonic() - started
        created = down_client.post(
            "/api/v1/doctors/",
            headers=admin(),
            json={
                "user_id": "6f0c3c1e-6d1f-4d51-9d35-3a4f1d0c9a11",
                "full_name": "Dr. Bruno Keller",
                "specializations": ["cardiology"],
                "time_zone": "Europe/Berlin",
            },
        )
        after = down_client.get(CARDIOLOGY, headers=PUBLIC).json
    finally:
        down.extensions["container"].close()

    assert [a.status_code for a in answers] == [200] * 5
    assert answers[0].json["total"] == 1
    assert elapsed < 2  # one failed Redis attempt, then the cache steps aside
    assert created.status_code == 201  # a change never needs Redis
    assert after["total"] == 2


def test_the_outbox_relay_raises_the_generation_again_when_it_publishes(
    app: Flask, client: FlaskClient
) -> None:
    redis = app.extensions["container"].redis
    create_doctor(client)
    generation = int(redis.get(GENERATION_KEY))

    published = app.extensions["container"].relay_runner().run_once()

    assert published == 1
    assert int(redis.get(GENERATION_KEY)) == generation + 1
    assert app.extensions["container"].relay_runner().run_once() == 0
    assert int(redis.get(GENERATION_KEY)) == generation + 1


def test_an_answer_computed_while_a_change_committed_is_never_served_after_it(app: Flask) -> None:
    cache = RedisDirectoryCache(make_redis("redis://127.0.0.1:6379/13"))
    looked_up = cache.lookup("directory:x")  # a reader misses and goes to PostgreSQL...
    cache.invalidate()  # ...while a change commits...
    cache.store(looked_up, "directory:x", '{"stale": true}')  # ...and then it keeps what it read

    assert cache.lookup("directory:x").answer is None
    cache.store(cache.lookup("directory:x"), "directory:x", '{"fresh": true}')
    assert cache.lookup("directory:x").answer == '{"fresh": true}'


def test_the_catalog_copy_is_reloaded_when_the_generation_moves_or_it_is_too_old() -> None:
    now, generation, loads = [0.0], ["1"], []
    copy = CatalogCopy(generation=lambda: generation[0], max_age_seconds=30, clock=lambda: now[0])

    def load() -> dict:
        loads.append(now[0])
        return {}

    copy.get(load)
    copy.get(load)
    generation[0] = "2"
    copy.get(load)
    now[0] = 29.0
    copy.get(load)
    now[0] = 31.0
    copy.get(load)

    assert loads == [0.0, 0.0, 31.0]
