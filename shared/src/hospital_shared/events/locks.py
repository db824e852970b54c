"""Electing one process among many: only one relay may publish per stream at a time."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Engine, func, select, text


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
