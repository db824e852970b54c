"""The producer side: a service writes outbox rows (see `outbox_table`) in the same transaction as the change
they describe, and `SqlOutboxStore` reads the unpublished ones in id order for the relay."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
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
