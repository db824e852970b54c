"""Sign-ins waiting for their second factor: a Redis hash per challenge, keyed by the token's digest."""

from __future__ import annotations

import hashlib
import uuid

import redis

from auth_service.ports import MfaChallenge, MfaChallengeStore

PREFIX = "auth:mfa-pending:"


def _key(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


class RedisMfaChallengeStore(MfaChallengeStore):
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def put(self, token: str, challenge: MfaChallenge, *, ttl_seconds: int) -> None:
        key = _key(token)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(
            key,
            mapping={
                "user_id": str(challenge.user_id),
                "purpose": challenge.purpose,
                "binding": challenge.browser_binding_hash,
                "failures": 0,
                "generation": "" if challenge.generation is None else str(challenge.generation),
            },
        )
        pipe.expire(key, ttl_seconds)
        pipe.execute()

    def get(self, token: str) -> MfaChallenge | None:
        data = self._redis.hgetall(_key(token))
        if not data or "user_id" not in data:
            return None
        return MfaChallenge(
            user_id=uuid.UUID(str(data["user_id"])),
            purpose=str(data["purpose"]),
            browser_binding_hash=str(data["binding"]),
            generation=int(data["generation"]) if data.get("generation") else None,
        )

    def record_failure(self, token: str) -> int:
        # HINCRBY on a vanished key would recreate it without a TTL: only count while it exists.
        key = _key(token)
        pipe = self._redis.pipeline(transaction=True)
        pipe.exists(key)
        pipe.hincrby(key, "failures", 1)
        exists, failures = pipe.execute()
        if not exists:
            self._redis.delete(key)
        return int(failures)

    def take(self, token: str) -> bool:
        return bool(self._redis.delete(_key(token)))
