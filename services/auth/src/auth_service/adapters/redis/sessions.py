"""Sessions in Redis: one key per session (the SHA-256 of the cookie value) and one index per user."""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import datetime

import redis

from auth_service.domain.sessions import Session, SessionPolicy
from auth_service.domain.users import Role
from auth_service.ports import Clock, SessionStore

SESSION_PREFIX = "auth:session:"
USER_INDEX_PREFIX = "auth:user-sessions:"


def session_key(secret: str) -> str:
    return SESSION_PREFIX + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _epoch_ms(moment: datetime) -> int:
    return math.floor(moment.timestamp() * 1000)


def _dump(session: Session) -> str:
    return json.dumps(
        {
            "id": str(session.id),
            "user_id": str(session.user_id),
            "role": session.role.value,
            "csrf_token": session.csrf_token,
            "created_at": session.created_at.isoformat(),
            "last_seen_at": session.last_seen_at.isoformat(),
            "user_agent": session.user_agent,
            "ip_address": session.ip_address,
            # The same two instants as numbers, for the script below (Lua cannot read ISO 8601).
            "created_ms": _epoch_ms(session.created_at),
            "seen_ms": _epoch_ms(session.last_seen_at),
        }
    )


# Read a session and restart its idle timer in one atomic step: one round trip per verify.
# KEYS[1]: the session key. ARGV: now (epoch ms), idle (ms), absolute lifetime (ms), now as ISO 8601.
# Returns {stored value before the touch, 1 if it was touched or needed no touch, 0 if it was left alone}.
# The session ends at min(last seen + idle, created + absolute), as Session.expires_at says; an expired
# session, or one stored before created_ms/seen_ms existed, is left alone for the caller to handle.
_GET_AND_TOUCH = """
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, session = pcall(cjson.decode, raw)
if not ok or type(session) ~= 'table' or type(session.created_ms) ~= 'number'
    or type(session.seen_ms) ~= 'number' then
  return {raw, 0}
end
local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local hard_end = session.created_ms + absolute
if now >= math.min(session.seen_ms + idle, hard_end) then return {raw, 0} end
if now > session.seen_ms then
  session.seen_ms = now
  session.last_seen_at = ARGV[4]
  redis.call('SET', KEYS[1], cjson.encode(session), 'PX', math.min(now + idle, hard_end) - now)
end
return {raw, 1}
"""


def _load(raw: str) -> Session | None:
    try:
        data = json.loads(raw)
        return Session(
            id=uuid.UUID(data["id"]),
            user_id=uuid.UUID(data["user_id"]),
            role=Role(data["role"]),
            csrf_token=data["csrf_token"],
            created_at=datetime.fromisoformat(data["created_at"]),
            last_seen_at=datetime.fromisoformat(data["last_seen_at"]),
            user_agent=data.get("user_agent", ""),
            ip_address=data.get("ip_address", ""),
        )
    except (KeyError, ValueError, TypeError):
        return None  # an unreadable session is no session


class RedisSessionStore(SessionStore):
    def __init__(self, client: redis.Redis, clock: Clock, *, index_ttl_seconds: int) -> None:
        self._redis = client
        self._clock = clock
        self._index_ttl = index_ttl_seconds
        self._get_and_touch = client.register_script(_GET_AND_TOUCH)

    def _ttl_ms(self, expires_at: datetime) -> int:
        return max(1, math.ceil((expires_at - self._clock.now()).total_seconds() * 1000))

    def add(self, secret: str, session: Session, *, expires_at: datetime) -> None:
        key = session_key(secret)
        index = USER_INDEX_PREFIX + str(session.user_id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, _dump(session), px=self._ttl_ms(expires_at))
            pipe.hset(index, str(session.id), key)
            pipe.expire(index, self._index_ttl)
            pipe.execute()

    def get(self, secret: str) -> Session | None:
        raw = self._redis.get(session_key(secret))
        return _load(raw) if raw else None

    def get_and_touch(self, secret: str, *, now: datetime, policy: SessionPolicy) -> Session | None:
        found = self._get_and_touch(
            keys=[session_key(secret)],
            args=[
                _epoch_ms(now),
                math.ceil(policy.idle.total_seconds() * 1000),
                math.ceil(policy.absolute.total_seconds() * 1000),
                now.isoformat(),
            ],
        )
        if not found:
            return None
        raw, touched = found
        session = _load(raw)
        if session is not None and not touched and not session.is_expired(now, policy):
            # Stored by an older release, without the numbers the script needs: touch it the long way
            # (this writes them, so its next verify is one round trip too).
            seen = session.seen(now)
            self._touch(secret, seen, expires_at=seen.expires_at(policy))
        return session

    def _touch(self, secret: str, session: Session, *, expires_at: datetime) -> None:
        # xx: never resurrect a session that was deleted (sign-out elsewhere) while this request ran.
        self._redis.set(session_key(secret), _dump(session), px=self._ttl_ms(expires_at), xx=True)

    def delete(self, secret: str) -> None:
        key = session_key(secret)
        session = self.get(secret)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if session is not None:
                pipe.hdel(USER_INDEX_PREFIX + str(session.user_id), str(session.id))
            pipe.execute()

    def for_user(self, user_id: uuid.UUID) -> list[Session]:
        index = USER_INDEX_PREFIX + str(user_id)
        entries: dict[str, str] = self._redis.hgetall(index)
        if not entries:
            return []
        keys = list(entries.values())
        sessions, gone = [], []
        for (session_id, _), raw in zip(entries.items(), self._redis.mget(keys), strict=True):
            session = _load(raw) if raw else None
            if session is None:
                gone.append(session_id)
            else:
                sessions.append(session)
        if gone:
            self._redis.hdel(index, *gone)
        return sessions

    def delete_by_id(self, user_id: uuid.UUID, session_id: uuid.UUID) -> bool:
        index = USER_INDEX_PREFIX + str(user_id)
        key = self._redis.hget(index, str(session_id))
        if key is None:
            return False
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hdel(index, str(session_id))
            deleted, _ = pipe.execute()
        return bool(deleted)

    def delete_all_for_user(self, user_id: uuid.UUID) -> int:
        index = USER_INDEX_PREFIX + str(user_id)
        keys = list(self._redis.hgetall(index).values())
        with self._redis.pipeline(transaction=True) as pipe:
            if keys:
                pipe.delete(*keys)
            pipe.delete(index)
            results = pipe.execute()
        return int(results[0]) if keys else 0
