"""Sessions in Redis: one key per session (the SHA-256 of the cookie value), one index per user, and a
per-user generation counter that every revocation counts up (a session of an older generation is dead).

Every change that touches a session key and the user's index together is one Lua script, so the index never
loses an entry between a read and a delete. The scripts read the generation key of the user named in the
session, a key not passed in KEYS: fine on one Redis (what the deployment runs), not on Redis Cluster."""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import datetime

import redis

from auth_service.domain.sessions import Session, SessionPolicy
from auth_service.domain.users import Role
from auth_service.ports import SessionStore
from hospital_shared.clock import Clock

SESSION_PREFIX = "auth:session:"
USER_INDEX_PREFIX = "auth:user-sessions:"
GENERATION_PREFIX = "auth:user-generation:"


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
            "generation": session.generation,
            # The same two instants as numbers, for the script below (Lua cannot read ISO 8601).
            "created_ms": _epoch_ms(session.created_at),
            "seen_ms": _epoch_ms(session.last_seen_at),
        }
    )


# Read a session, check its generation and restart its idle timer in one atomic step: one round trip per
# verify. KEYS[1]: the session key. ARGV: now (epoch ms), idle (ms), absolute lifetime (ms), now as ISO 8601,
# the generation key prefix. A revoked session (its generation is not the user's current one: older, or the
# counter was lost with Redis data, which fails closed) is deleted here and answered like a missing one:
# false. Else {stored value before the touch, 1 if touched or needing no touch, 0 if left alone}.
# The session ends at min(last seen + idle, created + absolute), as Session.expires_at says; an expired
# session, or one stored before created_ms/seen_ms existed, is left alone for the caller to handle.
_GET_AND_TOUCH = """
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, session = pcall(cjson.decode, raw)
if not ok or type(session) ~= 'table' then return {raw, 0} end
if type(session.user_id) == 'string' then
  local current = tonumber(redis.call('GET', ARGV[5] .. session.user_id) or '0') or 0
  if (tonumber(session.generation) or 0) ~= current then
    redis.call('DEL', KEYS[1])
    return false
  end
end
if type(session.created_ms) ~= 'number' or type(session.seen_ms) ~= 'number' then return {raw, 0} end
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

# Store a new session and its index entry, unless the user's sessions were revoked after the sign-in read
# the generation (then the sign-in raced a reset, disable, role change or sign-out everywhere: refused).
# KEYS: session key, index key, generation key. ARGV: value, ttl ms, session id, index ttl s, generation.
_ADD = """
local current = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
if current ~= tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

# Revoke: count the generation up, then delete every indexed session and the index, all in one step (a
# session added a moment later carries the old generation and is refused by _ADD). KEYS: index, generation.
_REVOKE_ALL = """
redis.call('INCR', KEYS[2])
local keys = redis.call('HVALS', KEYS[1])
local deleted = 0
for _, key in ipairs(keys) do deleted = deleted + redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return deleted
"""

# Delete one session by its key and its index entry. KEYS[1]: session key. ARGV[1]: the index key prefix.
_DELETE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
redis.call('DEL', KEYS[1])
local ok, session = pcall(cjson.decode, raw)
if ok and type(session) == 'table' and type(session.user_id) == 'string'
    and type(session.id) == 'string' then
  redis.call('HDEL', ARGV[1] .. session.user_id, session.id)
end
return 1
"""

# Delete one session by its public id. KEYS[1]: the user's index. ARGV[1]: the session id.
_DELETE_BY_ID = """
local key = redis.call('HGET', KEYS[1], ARGV[1])
if not key then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return redis.call('DEL', key)
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
            generation=int(data.get("generation", 0)),
        )
    except (KeyError, ValueError, TypeError):
        return None  # an unreadable session is no session


class RedisSessionStore(SessionStore):
    def __init__(self, client: redis.Redis, clock: Clock, *, index_ttl_seconds: int) -> None:
        self._redis = client
        self._clock = clock
        self._index_ttl = index_ttl_seconds
        self._get_and_touch = client.register_script(_GET_AND_TOUCH)
        self._add = client.register_script(_ADD)
        self._revoke_all = client.register_script(_REVOKE_ALL)
        self._delete = client.register_script(_DELETE)
        self._delete_by_id = client.register_script(_DELETE_BY_ID)

    def _ttl_ms(self, expires_at: datetime) -> int:
        return max(1, math.ceil((expires_at - self._clock.now()).total_seconds() * 1000))

    def generation(self, user_id: uuid.UUID) -> int:
        return int(self._redis.get(GENERATION_PREFIX + str(user_id)) or 0)

    def add(self, secret: str, session: Session, *, expires_at: datetime) -> bool:
        stored = self._add(
            keys=[
                session_key(secret),
                USER_INDEX_PREFIX + str(session.user_id),
                GENERATION_PREFIX + str(session.user_id),
            ],
            args=[
                _dump(session),
                self._ttl_ms(expires_at),
                str(session.id),
                self._index_ttl,
                session.generation,
            ],
        )
        return bool(stored)

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
                GENERATION_PREFIX,
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
        self._delete(keys=[session_key(secret)], args=[USER_INDEX_PREFIX])

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
        return bool(self._delete_by_id(keys=[USER_INDEX_PREFIX + str(user_id)], args=[str(session_id)]))

    def delete_all_for_user(self, user_id: uuid.UUID) -> int:
        return int(
            self._revoke_all(keys=[USER_INDEX_PREFIX + str(user_id), GENERATION_PREFIX + str(user_id)])
        )
