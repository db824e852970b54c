"""The per-recipient mail quota in real Redis: counted only under the limit, forgotten after its window."""

from __future__ import annotations

import time
import uuid

import redis

from auth_service.adapters.redis.mail_limits import PREFIX, RedisRecipientMailLimit


def test_a_recipient_gets_at_most_the_limit_in_a_window_and_others_are_counted_apart(redis_db: redis.Redis):
    limits = RedisRecipientMailLimit(redis_db)
    ann, bob = f"ann-{uuid.uuid4().hex}", f"bob-{uuid.uuid4().hex}"
    taken = [limits.take(ann, limit=3, window_seconds=60) for _ in range(5)]
    assert taken == [True, True, True, False, False]
    assert limits.take(bob, limit=3, window_seconds=60)
    assert int(redis_db.get(PREFIX + ann)) == 3  # refused mails are not counted
    assert 0 < redis_db.ttl(PREFIX + ann) <= 60


def test_the_quota_is_forgotten_when_its_window_ends(redis_db: redis.Redis):
    limits = RedisRecipientMailLimit(redis_db)
    key = f"carl-{uuid.uuid4().hex}"
    assert limits.take(key, limit=1, window_seconds=1)
    assert not limits.take(key, limit=1, window_seconds=1)
    time.sleep(1.2)
    assert limits.take(key, limit=1, window_seconds=1)
