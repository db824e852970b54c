"""A clock a test sets and moves (the port is hospital_shared.clock.Clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hospital_shared.clock import Clock


class FixedClock(Clock):
    """Stands still at `now` until a test moves it (`now_is`, `advance`)."""

    def __init__(self, now: datetime) -> None:
        if now.utcoffset() is None:
            raise ValueError("a FixedClock needs an aware datetime")
        self.current = now

    def now(self) -> datetime:
        return self.current

    def now_is(self, moment: datetime) -> None:
        self.current = moment

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
