"""Redis client factory: short timeouts, so a Redis outage makes requests fail fast instead of hanging."""

from __future__ import annotations

import redis
from redis.backoff import ConstantBackoff
from redis.retry import Retry


def make_redis(url: str, *, timeout_seconds: float = 1.0) -> redis.Redis:
    # One quick retry, for a pooled socket that Redis closed (a restart); redis-py's default of ten
    # retries with backoff would hold every request for seconds while Redis is down.
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        health_check_interval=30,
        retry=Retry(ConstantBackoff(0.01), 1),
    )
