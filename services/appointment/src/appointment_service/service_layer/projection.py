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
from appointment_service.ports import AppointmentUnitOfWork, DoctorDirectory, EventSource, SlotCache
from hospital_shared.events import StreamEvent, StreamReader
from hospital_shared.stream_follower import StreamFollower, apply_after_cursor


def apply_doctor_events(
    uow: AppointmentUnitOfWork,
    *,
    events: Sequence[StreamEvent],
    stream: str,
    cache: SlotCache,
    after: str | None = None,
) -> int:
    """Apply a batch of events in one transaction; returns how many changed the projection.

    `after` is the cursor the batch was read after: when the stored cursor moved meanwhile (the projection
    was reset, or another consumer applied first) nothing is applied, and the caller reads again."""
    changes = apply_after_cursor(
        events, stream=stream, uow=uow, cursor=lambda u: u.doctors, apply=_apply_to_projection, after=after
    )
    if changes is None:
        return 0
    doctor_ids = [doctor_id for doctor_id, _ in changes]
    specializations = sorted({slug for _, touched in changes for slug in touched})
    cache.invalidate(doctor_ids=doctor_ids, specializations=specializations)
    return len(changes)


def _apply_to_projection(
    uow: AppointmentUnitOfWork, events: Sequence[StreamEvent]
) -> list[tuple[uuid.UUID, set[str]]]:
    """Each changed doctor with the specializations the change touched (inside the transaction)."""
    changes: list[tuple[uuid.UUID, set[str]]] = []
    for event in events:
        doctor_id = uuid.UUID(event.aggregate_id)
        before = uow.doctors.snapshot_of(doctor_id)
        touched = uow.doctors.apply(doctor_id=doctor_id, version=event.version, snapshot=event.payload)
        if touched is not None:
            changes.append((doctor_id, set(touched)))
            _announce_schedule_change(uow, doctor_id, event, before)
    return changes


def _announce_schedule_change(
    uow: AppointmentUnitOfWork, doctor_id: uuid.UUID, event: StreamEvent, before: dict[str, Any] | None
) -> None:
    """A doctor.schedule_changed event for webhooks, in the projection's transaction."""
    if schedule_changed(before, event.payload):
        data = schedule_changed_data(doctor_id, version=event.version, snapshot=event.payload)
        uow.events.add(DOCTOR_SCHEDULE_CHANGED, data)


def _cursor_and_lag(
    uow: AppointmentUnitOfWork, *, stream: str, events: EventSource, limit: int
) -> tuple[str | None, int]:
    with uow:
        cursor = uow.doctors.cursor(stream)
    return cursor, events.entries_after(cursor or StreamReader.BEGINNING, limit=limit)


def projection_lag(uow: AppointmentUnitOfWork, *, stream: str, events: EventSource) -> dict[str, Any]:
    """How far the projection is behind the stream (for /readyz)."""
    cursor, lag = _cursor_and_lag(uow, stream=stream, events=events, limit=10_000)
    if cursor is None and lag:
        # An empty projection answers no search right: not ready until the replay has begun.
        raise RuntimeError(f"the doctor projection is empty; replaying {lag} event(s) from the stream")
    return {"last_applied": cursor, "lag_events": lag}


def unapplied_events(
    uow: AppointmentUnitOfWork, *, stream: str, events: EventSource, limit: int = 1000
) -> int:
    """Stream entries the projection has not applied yet, counted up to `limit` (for the lag metric: a
    scrape must stay cheap however far behind the projection is)."""
    return _cursor_and_lag(uow, stream=stream, events=events, limit=limit)[1]


class DoctorStreamFollower(StreamFollower[AppointmentUnitOfWork]):
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
        super().__init__(
            stream=stream, events=events, uow_factory=uow_factory, batch_size=batch_size, block_ms=block_ms
        )
        self.cache = cache

    def cursor_in(self, uow: AppointmentUnitOfWork) -> DoctorDirectory:
        return uow.doctors

    def apply(self, events: Sequence[StreamEvent], *, uow: AppointmentUnitOfWork, after: str) -> int:
        return apply_doctor_events(uow, events=events, stream=self.stream, cache=self.cache, after=after)
