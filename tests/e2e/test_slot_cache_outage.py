"""Appointment-MS with its slot cache in a Redis of its own: that Redis stops, and nothing fails."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import PrivateRedis, StackUnderTest
from tests.e2e.test_appointments import PASSWORD, doctor_account, wait_until, week

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cache_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    directory: Path = tmp_path_factory.mktemp("cache-redis")
    cache = PrivateRedis(directory)
    cache.start()
    yield cache
    cache.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, cache_redis: PrivateRedis) -> Iterator[StackUnderTest]:
    root = tmp_path_factory.mktemp("stack-cache")
    (root / "redis").mkdir()
    shared = PrivateRedis(root / "redis")
    shared.start()
    test_stack = StackUnderTest(directory=root / "state", redis=shared)
    test_stack.env["APPOINTMENT_CACHE_REDIS_URL"] = cache_redis.url
    test_stack.env["APPOINTMENT_REPLICAS"] = "2"
    try:
        test_stack.run("up")
        yield test_stack
    finally:
        test_stack.run("down", "--drop-databases", check=False)
        shared.stop()


def test_search_and_booking_work_with_the_cache_redis_stopped_and_it_refills_when_back(
    stack: StackUnderTest, cache_redis: PrivateRedis
) -> None:
    admin_email = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", admin_email, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_email, PASSWORD)
    created = admin.post(
        "/api/v1/doctors",
        json={"user_id": doctor_account(admin, "Dr. Cy Dahl"), "full_name": "Dr. Cy Dahl",
              "specializations": ["cardiology"], "time_zone": "Europe/Berlin"},
    )  # fmt: skip
    doctor_id = created.json()["id"]
    etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
    assert admin.put(f"/api/v1/doctors/{doctor_id}/schedule", json=week(), headers={"If-Match": etag}).ok
    patient = BrowserSession(stack.url).register(f"p.{uuid.uuid4().hex[:6]}@example.org", PASSWORD, "Pat")
    search = f"/api/v1/slots?doctor_id={doctor_id}&limit=5"
    wait_until(lambda: stack.get(search).status_code == 200)
    cached = stack.get(search).json()
    cache = redis.Redis.from_url(cache_redis.url)
    assert cache.keys("appt:slots:*"), "the answer is cached in the cache Redis"

    cache_redis.stop()
    statuses = []
    without_cache = stack.get(search)
    statuses.append(without_cache.status_code)
    assert without_cache.json() == cached
    booked = patient.post(
        "/api/v1/appointments", json={"doctor_id": doctor_id, "start": cached["items"][0]["start"]}
    )
    statuses.append(booked.status_code)
    assert booked.status_code == 201, booked.text
    after_booking = stack.get(search)
    statuses.append(after_booking.status_code)
    assert after_booking.json()["items"][0]["start"] == cached["items"][0]["end"]  # 30-minute visits
    assert not [s for s in statuses if s >= 500]

    cache_redis.start()  # a new, empty Redis
    rebuilt = wait_until(lambda: stack.get(search).json())
    assert rebuilt == after_booking.json()
    assert wait_until(lambda: cache.keys("appt:slots:*")), "the cache refills"
