"""Per-key call counts in Redis: a counter per key and clock minute (a fixed window), expiring by itself."""

from __future__ import annotations

import uuid
from datetime import datetime

import redis

from auth_service.domain.api_keys import RateWindow
from auth_service.ports import ApiKeyRateLimiter

PREFIX = "auth:api-key-calls:"
WINDOW_SECONDS = 60


class RedisApiKeyRateLimiter(ApiKeyRateLimiter):
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def hit(self, key_id: uuid.UUID, *, limit: int, now: datetime) -> RateWindow:
        epoch = int(now.timestamp())
        window = epoch // WINDOW_SECONDS
        counter = f"{PREFIX}{key_id}:{window}"
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.incr(counter)
        pipeline.expire(counter, WINDOW_SECONDS * 2)  # outlives the window a little; never forever
        used, _ = pipeline.execute()
        reset = (window + 1) * WINDOW_SECONDS - epoch
        return RateWindow(limit=limit, used=int(used), reset_seconds=max(reset, 1))
