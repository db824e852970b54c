"""The Redis session store: one round trip per verify, the idle timer restarted exactly, nothing revived."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import redis

from auth_service.adapters.redis.sessions import RedisSessionStore, session_key
from auth_service.domain.sessions import Session, SessionPolicy
from auth_service.domain.users import Role
from hospital_testing import FixedClock

from .conftest import REDIS_URL

POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class CountingRedis(redis.Redis):
    """A client that counts the commands it sends (a script call is one command: one round trip)."""

    sent: list[str]

    def execute_command(self, *args, **options):
        self.sent.append(str(args[0]).upper())
        return super().execute_command(*args, **options)


@pytest.fixture
def client() -> Iterator[CountingRedis]:
    connection = CountingRedis.from_url(REDIS_URL, decode_responses=True)
    connection.sent = []
    yield connection
    for key in connection.scan_iter("auth:*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def store(client: CountingRedis, clock: FixedClock) -> RedisSessionStore:
    return RedisSessionStore(client, clock, index_ttl_seconds=12 * 3600)


def _signed_in(store: RedisSessionStore, *, last_seen: datetime = START) -> Session:
    session = Session.start(user_id=uuid.uuid4(), role=Role.PATIENT, now=START, user_agent="ü", ip_address="")
    session = replace(session, last_seen_at=last_seen)
    store.add("s3cret", session, expires_at=session.expires_at(POLICY))
    return session


def test_a_verify_reads_and_slides_the_session_in_one_round_trip(store, client, clock) -> None:
    started = _signed_in(store)
    store.get_and_touch("s3cret", now=START, policy=POLICY)  # the script is loaded once per Redis
    clock.now_is(START + timedelta(minutes=20))
    client.sent.clear()

    found = store.get_and_touch("s3cret", now=clock.current, policy=POLICY)

    assert client.sent == ["EVALSHA"]
    assert found == started  # as it was stored: the caller applies the domain rules
    stored = store.get("s3cret")
    assert stored == started.seen(clock.current)
    assert stored.user_agent == "ü" and stored.csrf_token == started.csrf_token
    assert 30 * 60 * 1000 - 1000 < client.pttl(session_key("s3cret")) <= 30 * 60 * 1000


def test_the_idle_timer_never_runs_past_the_absolute_lifetime(store, client) -> None:
    near_the_end = START + POLICY.absolute - timedelta(minutes=10)
    _signed_in(store, last_seen=near_the_end - timedelta(minutes=1))  # in use all day long

    store.get_and_touch("s3cret", now=near_the_end, policy=POLICY)

    assert 9 * 60 * 1000 < client.pttl(session_key("s3cret")) <= 10 * 60 * 1000


def test_an_idle_or_worn_out_session_is_returned_untouched_for_the_caller_to_end(store, client) -> None:
    started = _signed_in(store)
    stored_before = client.get(session_key("s3cret"))

    idle = store.get_and_touch("s3cret", now=START + timedelta(minutes=31), policy=POLICY)

    assert idle == started and idle.is_expired(START + timedelta(minutes=31), POLICY)
    assert client.get(session_key("s3cret")) == stored_before


def test_a_missing_or_deleted_session_is_none_and_stays_gone(store, client) -> None:
    _signed_in(store)
    store.delete("s3cret")

    assert store.get_and_touch("s3cret", now=START, policy=POLICY) is None
    assert store.get_and_touch("never-issued", now=START, policy=POLICY) is None
    assert client.exists(session_key("s3cret")) == 0


def test_a_session_stored_by_the_previous_release_still_slides_and_is_upgraded(store, client, clock) -> None:
    started = _signed_in(store)
    key = session_key("s3cret")
    old_format = {k: v for k, v in json.loads(client.get(key)).items() if not k.endswith("_ms")}
    client.set(key, json.dumps(old_format), px=60_000)
    later = START + timedelta(minutes=5)

    assert store.get_and_touch("s3cret", now=later, policy=POLICY) == started
    client.sent.clear()
    store.get_and_touch("s3cret", now=later + timedelta(minutes=5), policy=POLICY)

    assert client.sent == ["EVALSHA"]  # upgraded by the first touch
    assert store.get("s3cret").last_seen_at == later + timedelta(minutes=5)
    assert client.pttl(key) > 60_000


def _session_for(user_id: uuid.UUID, *, generation: int = 0) -> Session:
    return Session.start(
        user_id=user_id, role=Role.DOCTOR, now=START, user_agent="", ip_address="", generation=generation
    )


def test_a_revocation_deletes_every_session_and_the_index_and_counts_the_generation_up_in_one_step(
    store, client
) -> None:
    user_id = uuid.uuid4()
    for n in range(3):
        session = _session_for(user_id)
        assert store.add(f"secret-{n}", session, expires_at=session.expires_at(POLICY))
    client.sent.clear()

    assert store.delete_all_for_user(user_id) == 3

    assert client.sent == ["EVALSHA"]
    assert store.generation(user_id) == 1
    assert store.for_user(user_id) == []
    assert client.exists(f"auth:user-sessions:{user_id}") == 0


def test_a_session_whose_sign_in_began_before_a_revocation_is_not_stored(store, client) -> None:
    user_id = uuid.uuid4()
    generation = store.generation(user_id)  # read before the password check
    store.delete_all_for_user(user_id)  # a reset lands while bcrypt runs
    late = _session_for(user_id, generation=generation)

    assert store.add("late", late, expires_at=late.expires_at(POLICY)) is False
    assert client.exists(session_key("late")) == 0 and store.for_user(user_id) == []
    fresh = _session_for(user_id, generation=store.generation(user_id))
    assert store.add("fresh", fresh, expires_at=fresh.expires_at(POLICY)) is True
    assert store.get_and_touch("fresh", now=START, policy=POLICY) == fresh


def test_a_session_of_an_older_generation_is_refused_and_deleted_at_verify(store, client) -> None:
    user_id = uuid.uuid4()
    session = _session_for(user_id)
    store.add("s3cret", session, expires_at=session.expires_at(POLICY))
    client.incr(f"auth:user-generation:{user_id}")  # revoked, as if its index entry had been missed
    client.sent.clear()

    assert store.get_and_touch("s3cret", now=START, policy=POLICY) is None

    assert client.sent == ["EVALSHA"]  # still one round trip
    assert client.exists(session_key("s3cret")) == 0


def test_a_lost_generation_counter_ends_sessions_instead_of_keeping_them(store, client) -> None:
    user_id = uuid.uuid4()
    store.delete_all_for_user(user_id)
    session = _session_for(user_id, generation=1)
    store.add("s3cret", session, expires_at=session.expires_at(POLICY))
    client.delete(f"auth:user-generation:{user_id}")

    assert store.get_and_touch("s3cret", now=START, policy=POLICY) is None


def test_deleting_one_session_takes_its_index_entry_with_it(store, client) -> None:
    user_id = uuid.uuid4()
    kept, ended = _session_for(user_id), _session_for(user_id)
    store.add("kept", kept, expires_at=kept.expires_at(POLICY))
    store.add("ended", ended, expires_at=ended.expires_at(POLICY))

    store.delete("ended")
    assert store.delete_by_id(user_id, uuid.uuid4()) is False

    assert client.hkeys(f"auth:user-sessions:{user_id}") == [str(kept.id)]
    assert store.delete_by_id(user_id, kept.id) is True
    assert store.for_user(user_id) == []
