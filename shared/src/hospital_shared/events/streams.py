"""The consumer side: `StreamReader` reads entries after a given stream id (XREAD, optionally blocking) or
replays the whole stream from the beginning (XRANGE). Entries may repeat: consumers keep, per aggregate, the
highest `version` applied and ignore anything not newer.

Stream entry fields (all strings): event_id, type, aggregate_id, version, occurred_at, payload (JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import redis

STREAM_FIELDS = ("event_id", "type", "aggregate_id", "version", "occurred_at", "payload")


@dataclass(frozen=True)
class StreamEvent:
    """One entry read from a stream."""

    stream_id: str
    event_id: str
    type: str
    aggregate_id: str
    version: int
    occurred_at: str
    payload: dict[str, Any]

    @classmethod
    def from_entry(cls, stream_id: str | bytes, fields: dict[Any, Any]) -> StreamEvent:
        decoded = {_text(k): _text(v) for k, v in fields.items()}
        return cls(
            stream_id=_text(stream_id),
            event_id=decoded["event_id"],
            type=decoded["type"],
            aggregate_id=decoded["aggregate_id"],
            version=int(decoded["version"]),
            occurred_at=decoded["occurred_at"],
            payload=json.loads(decoded["payload"]),
        )


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


class StreamReader:
    """Reads a stream after a given id; "0-0" means from the very beginning (replay)."""

    BEGINNING = "0-0"

    def __init__(self, client: redis.Redis, stream: str) -> None:
        self.client = client
        self.stream = stream

    def read(
        self, after: str = BEGINNING, *, count: int = 100, block_ms: int | None = None
    ) -> list[StreamEvent]:
        """Entries strictly after `after` (XREAD); waits up to block_ms for new ones when given.

        When blocking, the client's socket timeout must be longer than block_ms.
        """
        answer = self.client.xread({self.stream: after}, count=count, block=block_ms)
        events: list[StreamEvent] = []
        for _stream, entries in answer or []:
            events.extend(StreamEvent.from_entry(entry_id, fields) for entry_id, fields in entries)
        return events

    def replay(self, after: str = BEGINNING, *, page_size: int = 500) -> Iterator[StreamEvent]:
        """Every entry after `after` up to now, page by page (XRANGE with an exclusive start)."""
        cursor = after
        while True:
            entries = self.client.xrange(self.stream, min=f"({cursor}", max="+", count=page_size)
            for entry_id, fields in entries:
                yield StreamEvent.from_entry(entry_id, fields)
            if len(entries) < page_size:
                return
            cursor = _text(entries[-1][0])


def latest_versions(events: Sequence[StreamEvent]) -> dict[str, StreamEvent]:
    """The newest event per aggregate (by version), as a consumer catching up would keep them."""
    newest: dict[str, StreamEvent] = {}
    for event in events:
        current = newest.get(event.aggregate_id)
        if current is None or event.version > current.version:
            newest[event.aggregate_id] = event
    return newest
