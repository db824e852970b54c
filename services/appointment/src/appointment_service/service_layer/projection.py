"""Appointment-MS's copy of the doctors, kept from Doctor-MS's doctor-events stream.

Every event carries the doctor's whole state and a per-doctor version; an event is applied only when its
version is newer than the stored one, so duplicates, replays and several consumers change nothing twice.
The stream position is stored in the same transaction as the doctors it produced, so a consumer that stops
(or a Redis that restarts) resumes exactly where the projection stands. An empty database replays from the
start of the stream.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from appointment_service.domain.webhooks import (
    DOCTOR_SCHEDULE_CHANGED,
    schedule_changed,
    schedule_changed_data,
)
from appointment_service.ports import AppointmentUnitOfWork, EventSource, SlotCache
from hospital_shared.events import StreamEvent, StreamReader


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
            before = uow.doctors.snapshot_of(doctor_id)
            touched = uow.doctors.apply(doctor_id=doctor_id, version=event.version, snapshot=event.payload)
            if touched is not None:
                changed_doctors.append(doctor_id)
                changed_specializations |= touched
                _announce_schedule_change(uow, doctor_id, event, before)
        uow.doctors.advance_cursor(stream, events[-1].stream_id, len(changed_doctors))
        uow.commit()
    cache.invalidate(doctor_ids=changed_doctors, specializations=sorted(changed_specializations))
    return len(changed_doctors)


def _announce_schedule_change(
    uow: AppointmentUnitOfWork, doctor_id: uuid.UUID, event: StreamEvent, before: dict[str, Any] | None
) -> None:
    """A doctor.schedule_changed event for webhooks, in the projection's transaction."""
    if schedule_changed(before, event.payload):
        data = schedule_changed_data(doctor_id, version=event.version, snapshot=event.payload)
        uow.events.add(DOCTOR_SCHEDULE_CHANGED, data)


def projection_lag(*, stream: str, uow: AppointmentUnitOfWork, events: EventSource) -> dict[str, Any]:
    """How far the projection is behind the stream (for /readyz)."""
    with uow:
        cursor = uow.doctors.cursor(stream)
    lag = events.entries_after(cursor or StreamReader.BEGINNING, limit=10_000)
    if cursor is None and lag:
        # An empty projection answers no search right: not ready until the replay has begun.
        raise RuntimeError(f"the doctor projection is empty; replaying {lag} event(s) from the stream")
    return {"last_applied": cursor, "lag_events": lag}


class DoctorStreamFollower:
    """Applies the stream to the projection, one batch per call; run by hospital_shared.events.RelayRunner
    under an advisory lock, so one process applies at a time and another takes over when it dies."""

    def __init__(
        self,
        *,
        stream: str,
        events: EventSource,
        uow_factory: Callable[[], AppointmentUnitOfWork],
        cache: SlotCache,
        batch_size: int = 500,
        block_ms: int | None = 500,
    ) -> None:
        self.stream = stream
        self.events = events
        self.uow_factory = uow_factory
        self.cache = cache
        self.batch_size = batch_size
        self.block_ms = block_ms

    def publish_pending(self) -> int:
        """Apply the next batch after the stored cursor, waiting up to block_ms for one; returns how many
        entries were read."""
        with self.uow_factory() as uow:
            cursor = uow.doctors.cursor(self.stream) or StreamReader.BEGINNING
        batch = self.events.read(cursor, count=self.batch_size, block_ms=self.block_ms)
        apply_doctor_events(batch, stream=self.stream, uow=self.uow_factory(), cache=self.cache, after=cursor)
        return len(batch)
