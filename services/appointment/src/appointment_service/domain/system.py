"""The admin's system page: every service's readiness, the Appointment-MS replicas and today's bookings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from appointment_service.domain.replicas import WINDOW_SECONDS, ReplicaStats


@dataclass(frozen=True)
class ServiceHealth:
    """One service's answer to its readiness probe (GET /readyz), or why there was none."""

    name: str
    ready: bool
    response_time_ms: float
    status_code: int | None = None  # None: no HTTP answer at all
    checks: Mapping[str, Any] = field(default_factory=dict)  # as /readyz reports them
    detail: str | None = None  # why it is not ready


@dataclass(frozen=True)
class ReplicaReport:
    """The replicas that announced themselves lately; `detail` says why they could not be read."""

    items: list[ReplicaStats]
    detail: str | None = None
    window_seconds: int = WINDOW_SECONDS

    @property
    def count(self) -> int | None:
        return None if self.detail is not None else len(self.items)


@dataclass(frozen=True)
class BookingCounts:
    created: int  # bookings made in the period (see AppointmentRepository.booking_counts)
    starting: int  # booked or completed appointments that start in it


def utc_day(now: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar day around `now`, as [midnight, next midnight)."""
    start = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class BookingsToday:
    """Today's bookings, today being the UTC calendar day [start, end)."""

    day: date
    start: datetime
    end: datetime
    counts: BookingCounts | None
    detail: str | None = None  # why they could not be counted

    @property
    def created_today(self) -> int | None:
        return None if self.counts is None else self.counts.created

    @property
    def starting_today(self) -> int | None:
        return None if self.counts is None else self.counts.starting


@dataclass(frozen=True)
class SystemStatus:
    generated_at: datetime
    answered_by: str  # the replica that made this report
    services: list[ServiceHealth]
    replicas: ReplicaReport
    bookings_today: BookingsToday

    @property
    def all_ready(self) -> bool:
        return all(service.ready for service in self.services)
