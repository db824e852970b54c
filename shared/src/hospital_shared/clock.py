"""What time it is, as a port: use cases ask a Clock, so tests can fix it (hospital_testing.FixedClock)."""

from __future__ import annotations

import abc
from datetime import UTC, date, datetime, tzinfo


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""

    def today_in(self, zone: tzinfo) -> date:
        """The calendar date it is now in `zone` (a doctor's IANA zone, or UTC)."""
        return self.now().astimezone(zone).date()


class SystemClock(Clock):
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)
