"""The doctor-events stream, as the projection reads it."""

from __future__ import annotations

import redis

from appointment_service.ports import EventSource
from hospital_shared.events import StreamEvent, StreamReader


class RedisDoctorEvents(EventSource):
    def __init__(self, client: redis.Redis, stream: str) -> None:
        self._client = client
        self._reader = StreamReader(client, stream)
        self.stream = stream

    def read(self, after: str, *, count: int, block_ms: int | None) -> list[StreamEvent]:
        return self._reader.read(after, count=count, block_ms=block_ms)

    def entries_after(self, after: str, *, limit: int) -> int:
        return len(self._client.xrange(self.stream, min=f"({after}", max="+", count=limit))
