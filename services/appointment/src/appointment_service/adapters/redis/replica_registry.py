"""The replica registry in Redis: one hash per worker with a TTL, found through one sorted set.

A worker's hash `<key>:<instance>:<pid>` expires unless its heartbeat renews it, so a replica that was scaled
away or killed disappears by itself. The sorted set `<key>` lists the hashes (scored by when they expire),
so reading the registry never SCANs the whole keyspace, which also holds every session.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any

import redis

from appointment_service.domain.replicas import LatencyHistogram, ReplicaWorker, WorkerHeartbeat
from appointment_service.ports import ReplicaRegistry

log = logging.getLogger(__name__)


def _fields(heartbeat: WorkerHeartbeat) -> dict[str, str]:
    worker = heartbeat.worker
    return {
        "instance": worker.instance,
        "address": worker.address,
        "pid": str(worker.pid),
        "started_at": worker.started_at.isoformat(),
        "seen_at": heartbeat.seen_at.isoformat(),
        "requests": str(heartbeat.requests),
        "window_seconds": f"{heartbeat.window_seconds:.3f}",
        "latency": json.dumps({str(bucket): count for bucket, count in heartbeat.latency.counts.items()}),
    }


def _heartbeat(fields: dict[str, Any]) -> WorkerHeartbeat:
    worker = ReplicaWorker(
        instance=fields["instance"],
        address=fields["address"],
        pid=int(fields["pid"]),
        started_at=datetime.fromisoformat(fields["started_at"]),
    )
    latency = LatencyHistogram(
        {int(bucket): int(count) for bucket, count in json.loads(fields["latency"]).items()}
    )
    return WorkerHeartbeat(
        worker=worker,
        seen_at=datetime.fromisoformat(fields["seen_at"]),
        requests=int(fields["requests"]),
        window_seconds=float(fields["window_seconds"]),
        latency=latency,
    )


class RedisReplicaRegistry(ReplicaRegistry):
    def __init__(self, client: redis.Redis, key: str) -> None:
        self._redis = client
        self._index = key

    def _key(self, instance: str, pid: int) -> str:
        return f"{self._index}:{instance}:{pid}"

    def publish(self, heartbeat: WorkerHeartbeat, *, ttl_seconds: int) -> None:
        key = self._key(heartbeat.worker.instance, heartbeat.worker.pid)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(key, mapping=_fields(heartbeat))
        pipe.expire(key, ttl_seconds)
        pipe.zadd(self._index, {key: time.time() + ttl_seconds})
        pipe.expire(self._index, ttl_seconds)  # the index goes too once every worker has gone
        pipe.execute()

    def withdraw(self, *, instance: str, pid: int) -> None:
        key = self._key(instance, pid)
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(key)
        pipe.zrem(self._index, key)
        pipe.execute()

    def live(self) -> list[WorkerHeartbeat]:
        self._redis.zremrangebyscore(self._index, "-inf", time.time())
        keys = self._redis.zrange(self._index, 0, -1)
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        heartbeats, gone = [], []
        for key, fields in zip(keys, pipe.execute(), strict=True):
            if not fields:  # expired before its index entry (another host's clock)
                gone.append(key)
                continue
            try:
                heartbeats.append(_heartbeat(fields))
            except (KeyError, ValueError, TypeError) as error:
                log.warning("unreadable replica heartbeat", extra={"key": key, "error": str(error)[:200]})
        if gone:
            self._redis.zrem(self._index, *gone)
        return heartbeats
