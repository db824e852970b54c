"""The clock port: aware UTC time, and the date it is in a zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hospital_shared.clock import Clock, SystemClock


class StoppedClock(Clock):
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def test_the_system_clock_tells_aware_utc_time() -> None:
    now = SystemClock().now()

    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_today_is_the_date_on_the_wall_clocks_of_the_zone() -> None:
    late_in_berlin = StoppedClock(datetime(2027, 3, 1, 23, 30, tzinfo=UTC))

    assert late_in_berlin.today_in(UTC) == date(2027, 3, 1)
    assert late_in_berlin.today_in(ZoneInfo("Europe/Berlin")) == date(2027, 3, 2)
    assert late_in_berlin.today_in(ZoneInfo("America/New_York")) == date(2027, 3, 1)
