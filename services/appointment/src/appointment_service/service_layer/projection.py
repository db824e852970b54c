"""Appointment-MS's copy of the doctors, kept from Doctor-MS's doctor-events stream.

Every event carries the doctor's whole state and a per-doctor version; an event is applied only when its
version is newer than the stored one, so duplicates, replays and several consumers change nothing twice.
The stream position is stored in the same transaction as the doctors it produced, so a consumer that stops
(or a Redis that restarts) resumes exactly where the projection stands. An empty database replays from the
start of the stream.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from appointment_service.ports import AppointmentUnitOfWork, EventSource, SlotCache
from hospital_shared.events import PostgresAdvisoryLock, StreamEvent, StreamReader

log = logging.getLogger(__name__)


def apply_doctor_events(
    events: Sequence[StreamEvent],
    *,
    stream: str,
    uow: AppointmentUnitOfWork,
    cache: SlotCache,
    after: str | None = None,
) -> int:
    """Apply a batch of events in one transaction; returns how many changed the projection.

    `after` is the cursor the batch was read after: when the stored cursor moved meanwhile (the projection
    was reset, or another consumer applied first) nothing is applied, and the caller reads again."""
    if not events:
        return 0
    changed_doctors: list[uuid.UUID] = []
    changed_specializations: set[str] = set()
    with uow:
        if (
            after is not None
            and (uow.doctors.cursor(stream, for_update=True) or StreamReader.BEGINNING) != after
        ):
            return 0
        for event in events:
            doctor_id = uuid.UUID(event.aggregate_id)
            touched = uow.doctors.apply(doctor_id=doctor_id, version=event.version, snapshot=event.payload)
            if touched is not None:
                changed_doctors.append(doctor_id)
                changed_specializations |= touched
        uow.doctors.advance_cursor(stream, events[-1].stream_id, len(changed_doctors))
        uow.commit()
    cache.invalidate(doctor_ids=changed_doctors, specializations=sorted(changed_specializations))
    return len(changed_doctors)


def projection_lag(*, stream: str, uow: AppointmentUnitOfWork, events: EventSource) -> dict[str, Any]:
    """How far the projection is behind the stream (for /readyz)."""
    with uow:
        cursor = uow.doctors.cursor(stream)
    lag = events.entries_after(cursor or StreamReader.BEGINNING, limit=10_000)
    if cursor is None and lag:
        # An empty projection answers no search right: not ready until the replay has begun.
        raise RuntimeError(f"the doctor projection is empty; replaying {lag} event(s) from the stream")
    return {"last_applied": cursor, "lag_events": lag}


class ProjectionFollower:
    """Follows the stream on a background thread while this process holds the consumer lock.

    Every process runs one; a PostgreSQL advisory lock lets exactly one of them apply at a time, and
    another takes over within seconds when that process dies."""

    def __init__(
        self,
        *,
        stream: str,
        events: EventSource,
        uow_factory: Callable[[], AppointmentUnitOfWork],
        cache: SlotCache,
        lock: PostgresAdvisoryLock,
        batch_size: int = 500,
        block_ms: int = 500,
    ) -> None:
        self.stream = stream
        self.events = events
        self.uow_factory = uow_factory
        self.cache = cache
        self.lock = lock
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, *, block_ms: int | None = None) -> int:
        """Apply one batch after our cursor; returns how many entries were read (0: none, or not our turn)."""
        if not self.lock.try_acquire():
            return 0
        with self.uow_factory() as uow:
            cursor = uow.doctors.cursor(self.stream) or StreamReader.BEGINNING
        batch = self.events.read(cursor, count=self.batch_size, block_ms=block_ms)
        apply_doctor_events(batch, stream=self.stream, uow=self.uow_factory(), cache=self.cache, after=cursor)
        return len(batch)

    def catch_up(self) -> None:
        """Apply everything the stream holds now (tools and tests; the background loop does it anyway)."""
        while self.run_once() > 0:
            pass

    def run_forever(self) -> None:
        log.info("doctor projection follower started", extra={"stream": self.stream})
        while not self.stop_event.is_set():
            try:
                if self.run_once(block_ms=self.block_ms) == 0 and not self.lock.held:
                    self.stop_event.wait(1.0)  # another process is the consumer; check again soon
            except Exception as error:  # Redis or PostgreSQL away: wait, then resume from the stored cursor
                log.warning("doctor projection paused; will retry", extra={"error": str(error)[:200]})
                self.stop_event.wait(2.0)
        self.lock.release()

    def start_in_background(self) -> threading.Thread:
        if self._thread is None or not self._thread.is_alive():
            self.stop_event.clear()
            self._thread = threading.Thread(target=self.run_forever, name="doctor-projection", daemon=True)
            self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.lock.release()
