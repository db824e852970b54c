"""Events between services: a transactional outbox relayed to a Redis Stream, and the readers of that stream.

One idea per module:
- outbox: the outbox table a producer writes in the same transaction as its change, and the store the relay
  reads it through;
- relay: `OutboxRelay` publishes unpublished rows with XADD in id order, at least once and in order per
  aggregate;
- locks: `PostgresAdvisoryLock` elects the one process that publishes (or applies) per stream;
- runner: `RelayRunner` runs a relay on a thread while holding the lock;
- streams: `StreamEvent` and `StreamReader` (XREAD after an id, or replay from the beginning);
- follower: `StreamFollower` applies a stream into a service's own tables, resuming where they stand.
"""

from hospital_shared.events.follower import (
    StreamCursor,
    StreamEntries,
    StreamFollower,
    apply_after_cursor,
)
from hospital_shared.events.locks import PostgresAdvisoryLock, advisory_lock_key
from hospital_shared.events.outbox import OutboxMessage, SqlOutboxStore, outbox_table
from hospital_shared.events.relay import OutboxRelay
from hospital_shared.events.runner import Relay, RelayRunner
from hospital_shared.events.streams import STREAM_FIELDS, StreamEvent, StreamReader, latest_versions

__all__ = [
    "STREAM_FIELDS",
    "OutboxMessage",
    "OutboxRelay",
    "PostgresAdvisoryLock",
    "Relay",
    "RelayRunner",
    "SqlOutboxStore",
    "StreamCursor",
    "StreamEntries",
    "StreamEvent",
    "StreamFollower",
    "StreamReader",
    "advisory_lock_key",
    "apply_after_cursor",
    "latest_versions",
    "outbox_table",
]
