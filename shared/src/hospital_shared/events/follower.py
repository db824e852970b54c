"""Following a Redis Stream into a service's own database, from where the database says it stands.

A batch of entries and the stream position after it are written in one transaction, so a follower that
stops (or a Redis that restarts) resumes exactly where its tables stand. A batch read after a position that
moved meanwhile (another process applied first, or the tables were reset) is not applied: the next call
reads again. Run a follower with hospital_shared.events.RelayRunner under a PostgresAdvisoryLock, so one
process of the service applies at a time and another takes over when it dies.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from hospital_shared.db import UnitOfWork
from hospital_shared.events.streams import StreamEvent, StreamReader

U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T")


class StreamCursor(Protocol):
    """How far a stream was applied (the last entry's id), kept in the unit of work's tables."""

    def cursor(self, stream: str, *, for_update: bool = False) -> str | None: ...

    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None: ...


class StreamEntries(Protocol):
    def read(self, after: str, *, count: int, block_ms: int | None) -> list[StreamEvent]: ...


def apply_after_cursor(
    events: Sequence[StreamEvent],
    *,
    stream: str,
    uow: U,
    cursor: Callable[[U], StreamCursor],
    apply: Callable[[U, Sequence[StreamEvent]], list[T]],
    after: str | None = None,
) -> list[T] | None:
    """Apply `events` and move the stream's cursor past them in one transaction; returns what `apply`
    changed (one item per change), or None when nothing was applied.

    `after` is the cursor the batch was read after: when the stored one is another by now, the batch is
    dropped (None) and the caller reads again."""
    if not events:
        return None
    with uow:
        position = cursor(uow)
        stored = position.cursor(stream, for_update=True) or StreamReader.BEGINNING
        if after is not None and stored != after:
            return None
        changes = apply(uow, events)
        position.advance_cursor(stream, events[-1].stream_id, len(changes))
        uow.commit()
    return changes


class StreamFollower(abc.ABC, Generic[U]):
    """Applies a stream one batch per call (`publish_pending`, the RelayRunner's relay interface)."""

    def __init__(
        self,
        *,
        stream: str,
        events: StreamEntries,
        uow_factory: Callable[[], U],
        batch_size: int = 200,
        block_ms: int | None = 500,
    ) -> None:
        self.stream = stream
        self.events = events
        self.uow_factory = uow_factory
        self.batch_size = batch_size
        self.block_ms = block_ms

    @abc.abstractmethod
    def cursor_in(self, uow: U) -> StreamCursor:
        """Where this follower's unit of work keeps the stream's cursor."""

    @abc.abstractmethod
    def apply(self, events: Sequence[StreamEvent], *, uow: U, after: str) -> object:
        """Apply a batch read after `after` (through apply_after_cursor, in one transaction)."""

    def publish_pending(self) -> int:
        """Apply the next batch after the stored cursor, waiting up to block_ms for one; returns how many
        entries were read."""
        with self.uow_factory() as uow:
            after = self.cursor_in(uow).cursor(self.stream) or StreamReader.BEGINNING
        batch = self.events.read(after, count=self.batch_size, block_ms=self.block_ms)
        self.apply(batch, uow=self.uow_factory(), after=after)
        return len(batch)
