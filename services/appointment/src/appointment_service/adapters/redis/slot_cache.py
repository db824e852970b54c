"""Slot answers in Redis, invalidated by generation counters.

Keys (all under `appt:`):
- `appt:gen:<scope>`: a counter per scope (`spec:<slug>` or `doctor:<id>`), bumped by every booking, hold,
  expiry, cancellation and doctor event that touches the scope.
- `appt:slots:<scope>:<generation>:<request key>`: an answer (the JSON body), with a short TTL.
An answer is read and written together with its scope's generation in one round trip (a Lua script), so an
answer computed before a change can never be stored as current after it. An invalidation that cannot reach
Redis is kept and sent before this process trusts the cache again; answers also expire on their own (TTL).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence

import redis

from appointment_service.ports import SlotCache

log = logging.getLogger(__name__)

PREFIX = "appt:"
_GET = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""
_PUT = """
local generation = redis.call('GET', KEYS[1]) or '0'
if generation == ARGV[1] then
  redis.call('SET', ARGV[2] .. generation .. ':' .. ARGV[3], ARGV[4], 'EX', tonumber(ARGV[5]))
  return 1
end
return 0
"""
_QUIET_SECONDS = 30.0


class RedisSlotCache(SlotCache):
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._get = client.register_script(_GET)
        self._put = client.register_script(_PUT)
        self._last_warning = 0.0
        self._pending: set[str] = set()  # scopes whose invalidation has not reached Redis yet
        self._computing: dict[tuple[str, str], threading.Lock] = {}
        self._computing_guard = threading.Lock()

    def _warn(self, what: str, error: Exception) -> None:
        # Redis down: the finder answers from PostgreSQL; say so now and then, not on every request.
        if time.monotonic() - self._last_warning > _QUIET_SECONDS:
            self._last_warning = time.monotonic()
            log.warning("slot cache unavailable", extra={"operation": what, "error": str(error)[:200]})

    def _flush_pending(self) -> bool:
        """Send invalidations that failed earlier; False while Redis is still away."""
        if not self._pending:
            return True
        scopes = sorted(self._pending)
        try:
            self._bump(scopes)
        except redis.RedisError as error:
            self._warn("invalidate", error)
            return False
        self._pending.difference_update(scopes)
        return True

    def _bump(self, scopes: Sequence[str]) -> None:
        pipeline = self._client.pipeline(transaction=False)
        for scope in scopes:
            pipeline.incr(f"{PREFIX}gen:{scope}")
        pipeline.execute()

    def get(self, scope: str, key: str) -> tuple[str, bytes | None]:
        if not self._flush_pending():
            return "", None
        try:
            generation, body = self._get(keys=[f"{PREFIX}gen:{scope}"], args=[f"{PREFIX}slots:{scope}:", key])
        except redis.RedisError as error:
            self._warn("get", error)
            return "", None
        return str(generation), body.encode() if isinstance(body, str) else body

    def put(self, scope: str, generation: str, key: str, body: bytes, *, ttl_seconds: int) -> None:
        if not generation or ttl_seconds <= 0:
            return
        try:
            self._put(
                keys=[f"{PREFIX}gen:{scope}"],
                args=[generation, f"{PREFIX}slots:{scope}:", key, body, ttl_seconds],
            )
        except redis.RedisError as error:
            self._warn("put", error)

    def computing(self, scope: str, key: str) -> threading.Lock:
        with self._computing_guard:
            if len(self._computing) > 10_000:
                self._computing.clear()
            return self._computing.setdefault((scope, key), threading.Lock())

    def invalidate(self, *, doctor_ids: Sequence[uuid.UUID], specializations: Sequence[str]) -> None:
        scopes = [f"doctor:{d}" for d in doctor_ids] + [f"spec:{s}" for s in specializations]
        if not scopes:
            return
        try:
            self._bump(scopes)
        except redis.RedisError as error:
            self._pending.update(scopes)
            self._warn("invalidate", error)
