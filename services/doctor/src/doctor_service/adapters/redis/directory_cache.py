"""Answers to Doctor-MS's public reads, kept in Redis and shared by every process until the next change.

Every key starts with `doctor:cache:`. One counter, `doctor:cache:generation`, names the current generation;
an answer is stored under `doctor:cache:answer:<generation>:<what was asked>`, so a committed change only
has to raise the counter (INCR) to make every stored answer stale at once, in every process. Stale answers
are never deleted; they expire after `ttl_seconds`, which also bounds how long an answer could outlive a
change whose INCR was lost (Redis unreachable at that moment; the outbox relay raises it again later).

Reading costs one Redis round trip (a script returns the generation and the answer together). When
Redis fails, the cache steps aside for a few seconds and every read goes to PostgreSQL, the truth.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from doctor_service.ports import DirectoryCache

log = logging.getLogger(__name__)

PREFIX = "doctor:cache:"
GENERATION_KEY = PREFIX + "generation"
ANSWER_PREFIX = PREFIX + "answer:"

# KEYS[1]: the generation counter. ARGV[1]: the answer key prefix, ARGV[2]: what was asked.
_LOOKUP = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


@dataclass(frozen=True)
class Lookup:
    """What one read found: the stored answer (None on a miss) and the generation it was looked up in."""

    answer: str | None
    generation: str | None  # None when Redis could not be asked: do not store what you compute


class RedisDirectoryCache(DirectoryCache):
    def __init__(
        self,
        client: redis.Redis,
        *,
        ttl_seconds: int = 120,
        pause_after_failure_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = client
        self._lookup = client.register_script(_LOOKUP)
        self._ttl = ttl_seconds
        self._pause = pause_after_failure_seconds
        self._clock = clock
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self._local_changes = 0
        self._generation: str | None = None

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._clock() >= self._paused_until

    @property
    def generation_seen(self) -> tuple[int, str | None]:
        """Changes as this process knows of them; differs from a previous value once anything changed."""
        return self._local_changes, self._generation

    def _failed(self, action: str, error: redis.RedisError) -> None:
        self._paused_until = self._clock() + self._pause
        log.warning("directory cache %s failed, reading PostgreSQL for a while: %s", action, error)

    def lookup(self, key: str) -> Lookup:
        if not self.enabled:
            return Lookup(None, None)
        try:
            generation, answer = self._lookup(keys=[GENERATION_KEY], args=[ANSWER_PREFIX, key])
        except redis.RedisError as error:
            self._failed("read", error)
            return Lookup(None, None)
        self._generation = generation
        return Lookup(answer, generation)

    def store(self, lookup: Lookup, key: str, answer: str) -> None:
        # Stored under the generation read *before* the database was: if a change committed meanwhile,
        # the counter has moved on and this answer is already stale, never served.
        if lookup.generation is None or not self.enabled:
            return
        try:
            self._redis.set(f"{ANSWER_PREFIX}{lookup.generation}:{key}", answer, ex=self._ttl)
        except redis.RedisError as error:
            self._failed("write", error)

    def cached(self, key: str, compute: Callable[[], str]) -> str:
        """The stored answer for `key`, or `compute()` (stored for the next readers)."""
        found = self.lookup(key)
        if found.answer is not None:
            return found.answer
        answer = compute()
        self.store(found, key, answer)
        return answer

    def invalidate(self) -> None:
        with self._lock:
            self._local_changes += 1
        try:
            self._generation = str(self._redis.incr(GENERATION_KEY))
        except redis.RedisError as error:
            self._failed("invalidation", error)
