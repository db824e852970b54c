"""Events between services: a transactional outbox relayed to a Redis Stream, and a reader for that stream.

Producer side: a service writes outbox rows (see `outbox_table`) in the same transaction as the change they
describe. An `OutboxRelay` publishes unpublished rows with XADD in id order and then marks them published.
It stops at the first failure and retries later from the same row, so delivery is at least once and in order
per aggregate (changes of one aggregate are serialized by the producer's row lock, so their ids increase).
Only one relay may publish per stream at a time: `PostgresAdvisoryLock` elects it among processes.

Consumer side: `StreamReader` reads entries after a given stream id (XREAD, optionally blocking) or replays
the whole stream from the beginning (XRANGE). Entries may repeat: consumers keep, per aggregate, the highest
`version` applied and ignore anything not newer.

Stream entry fields (all strings): event_id, type, aggregate_id, version, occurred_at, payload (JSON).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import redis
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

log = logging.getLogger(__name__)

STREAM_FIELDS = ("event_id", "type", "aggregate_id", "version", "occurred_at", "payload")


# -- the outbox table -----------------------------------------------------------------------------------


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The standard outbox table; a service adds it to its own metadata (and creates it in a migration)."""
    return Table(
        name,
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("aggregate_id", UUID(as_uuid=True), nullable=False),
        Column("version", Integer, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("stream_id", String(40), nullable=True),
        Index(f"ix_{name}_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        Index(f"ix_{name}_aggregate_version", "aggregate_id", "version"),
    )


@dataclass(frozen=True)
class OutboxMessage:
    """One outbox row on its way to the stream."""

    id: int
    event_id: str
    event_type: str
    aggregate_id: str
    version: int
    occurred_at: datetime
    payload: dict[str, Any]

    def stream_fields(self) -> dict[str, str]:
        return {
            "event_id": self.event_id,
            "type": self.event_type,
            "aggregate_id": self.aggregate_id,
            "version": str(self.version),
            "occurred_at": self.occurred_at.isoformat(),
            "payload": json.dumps(self.payload, separators=(",", ":"), sort_keys=True),
        }


class SqlOutboxStore:
    """Reads unpublished rows of an `outbox_table` in id order and marks rows published."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self._engine = engine
        self._table = table

    def unpublished(self, limit: int) -> list[OutboxMessage]:
        t = self._table
        query = select(t).where(t.c.published_at.is_(None)).order_by(t.c.id).limit(limit)
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            OutboxMessage(
                id=row["id"],
                event_id=str(row["event_id"]),
                event_type=row["event_type"],
                aggregate_id=str(row["aggregate_id"]),
                version=row["version"],
                occurred_at=row["occurred_at"],
                payload=row["payload"],
            )
            for row in rows
        ]

    def mark_published(self, stream_ids: dict[int, str]) -> None:
        if not stream_ids:
            return
        t = self._table
        with self._engine.begin() as connection:
            for row_id, stream_id in stream_ids.items():
                connection.execute(
                    update(t).where(t.c.id == row_id).values(published_at=func.now(), stream_id=stream_id)
                )

    def pending_count(self) -> int:
        t = self._table
        with self._engine.connect() as connection:
            return (
                connection.scalar(select(func.count()).select_from(t).where(t.c.published_at.is_(None))) or 0
            )


# -- the relay ------------------------------------------------------------------------------------------


class OutboxRelay:
    """Publishes outbox rows to one Redis Stream, oldest first, stopping at the first failure."""

    def __init__(
        self, store: SqlOutboxStore, client: redis.Redis, stream: str, *, batch_size: int = 100
    ) -> None:
        self.store = store
        self.client = client
        self.stream = stream
        self.batch_size = batch_size

    def publish_pending(self) -> int:
        """Publish what is waiting; returns how many rows were published. Raises if Redis or the DB fail."""
        total = 0
        while True:
            batch = self.store.unpublished(self.batch_size)
            if not batch:
                return total
            published: dict[int, str] = {}
            try:
                for message in batch:
                    published[message.id] = self.client.xadd(self.stream, message.stream_fields())
            finally:
                # Rows that reached the stream are marked even when a later one failed.
                self.store.mark_published(published)
            total += len(published)
            if len(batch) < self.batch_size:
                return total


def advisory_lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock, derived from a name."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresAdvisoryLock:
    """A session-level advisory lock held on a dedicated connection: released when the process dies."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._key = advisory_lock_key(name)
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        """True while we hold the lock (checked against the database, so a lost connection is noticed)."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:
            self.release()
            return False

    def try_acquire(self) -> bool:
        if self.held:
            return True
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(connection.scalar(select(func.pg_try_advisory_lock(self._key))))
        except Exception:
            connection.close()
            raise
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(select(func.pg_advisory_unlock(self._key)))
        except Exception:  # noqa: S110 - a dead connection has released the lock already
            pass
        finally:
            connection.close()


class Relay(Protocol):
    """What RelayRunner drives: an OutboxRelay, or any relay that sends what is pending (e.g. mails)."""

    stream: str  # names what it relays, in the runner's log lines

    def publish_pending(self) -> int:
        """Send what is waiting; returns how much went out. Raises when it cannot go on."""
        ...


class RelayRunner:
    """Runs a relay in a loop: only while holding the lock, every `interval` seconds, until stopped.

    A relay that waits for work itself (a blocking stream read) runs with `interval_seconds=0`; a process
    that does not hold the lock checks again after `idle_wait_seconds` (default: the interval)."""

    def __init__(
        self,
        relay: Relay,
        lock: PostgresAdvisoryLock,
        *,
        interval_seconds: float = 0.5,
        on_error_wait_seconds: float = 2.0,
        idle_wait_seconds: float | None = None,
    ) -> None:
        self.relay = relay
        self.lock = lock
        self.interval = interval_seconds
        self.error_wait = on_error_wait_seconds
        self.idle_wait = interval_seconds if idle_wait_seconds is None else idle_wait_seconds
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One round: publish everything pending if we are (or become) the publishing relay."""
        if not self.lock.try_acquire():
            return 0
        return self.relay.publish_pending()

    def run_forever(self) -> None:
        log.info("outbox relay started", extra={"stream": self.relay.stream})
        while not self.stop_event.is_set():
            wait = self.interval
            try:
                published = self.run_once()
                if published:
                    log.info("outbox relayed", extra={"stream": self.relay.stream, "published": published})
                elif not self.lock.held:
                    wait = self.idle_wait
            except Exception as error:
                log.warning("outbox relay failed; will retry", extra={"error": str(error)[:200]})
                wait = self.error_wait
            self.stop_event.wait(wait)
        self.lock.release()

    def start_in_background(self, name: str = "outbox-relay") -> threading.Thread:
        """Start the loop on a daemon thread (it dies with the process, which frees the lock)."""
        if self._thread is None or not self._thread.is_alive():
            self.stop_event.clear()
            self._thread = threading.Thread(target=self.run_forever, name=name, daemon=True)
            self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop (if running) and give up the lock, so another relay can take over at once."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.lock.release()


# -- the consumer side ----------------------------------------------------------------------------------


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
