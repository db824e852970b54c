"""Redis client factory: short timeouts, so a Redis outage makes requests fail fast instead of hanging."""

from __future__ import annotations

import redis


def make_redis(url: str, *, timeout_seconds: float = 1.0) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        health_check_interval=30,
    )
