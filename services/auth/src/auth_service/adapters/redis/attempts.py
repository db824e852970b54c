"""Failed-attempt counters and locks in Redis (they expire by themselves: nothing to clean up)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import redis

from auth_service.ports import AttemptCounter, AttemptState
from hospital_shared.clock import Clock

PREFIX = "auth:attempts:"
ONCE_PREFIX = "auth:once:"
MARK_PREFIX = "auth:mark:"


class RedisAttemptCounter(AttemptCounter):
    def __init__(self, client: redis.Redis, clock: Clock) -> None:
        self._redis = client
        self._clock = clock

    def state(self, key: str) -> AttemptState:
        failures, locked_until = self._redis.hmget(PREFIX + key, "failures", "locked_until")
        return AttemptState(
            failures=int(failures or 0),
            locked_until=datetime.fromtimestamp(float(locked_until), UTC) if locked_until else None,
        )

    def record_failure(self, key: str, *, window_seconds: int) -> int:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(PREFIX + key, "failures", 1)
            pipe.expire(PREFIX + key, window_seconds)
            failures, _ = pipe.execute()
        return int(failures)

    def lock(self, key: str, *, until: datetime, window_seconds: int) -> None:
        seconds = math.ceil((until - self._clock.now()).total_seconds())
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(PREFIX + key, "locked_until", str(until.timestamp()))
            pipe.expire(PREFIX + key, max(window_seconds, seconds))
            pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(PREFIX + key)

    def first_within(self, key: str, *, seconds: int) -> bool:
        if seconds <= 0:
            return True
        return bool(self._redis.set(ONCE_PREFIX + key, "1", nx=True, ex=seconds))

    def remember(self, key: str, *, seconds: int) -> None:
        self._redis.set(MARK_PREFIX + key, "1", ex=max(1, seconds))

    def remembers(self, key: str) -> bool:
        return bool(self._redis.exists(MARK_PREFIX + key))
