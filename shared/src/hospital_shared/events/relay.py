"""The relay: outbox rows published to one Redis Stream with XADD in id order, then marked published.

It stops at the first failure and retries later from the same row, so delivery is at least once and in order
per aggregate (changes of one aggregate are serialized by the producer's row lock, so their ids increase).
"""

from __future__ import annotations

import redis

from hospital_shared.events.outbox import SqlOutboxStore


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
