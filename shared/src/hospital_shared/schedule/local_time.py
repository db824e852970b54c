"""Local wall-clock time of one day, and the UTC instants it stands for.

Times in a schedule are local wall-clock times in the doctor's IANA time zone. Expanding them to UTC follows
PEP 495 as implemented by `zoneinfo` with `fold=0`:
- a local time that does not exist (the hour skipped in spring) is read with the offset in force before the
  change, so "02:30" on that day means 03:30 summer time, and a window 01:00-03:00 lasts one real hour;
- a local time that happens twice (the hour repeated in autumn) means its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hospital_shared.schedule.limits import MINUTES_PER_DAY

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def zone_or_none(name: object) -> ZoneInfo | None:
    """The IANA time zone called `name`, or None when there is no such zone."""
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith(("/", ".")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def parse_clock(text: object) -> int | None:
    """Minutes after local midnight for "HH:MM" (00:00 to 24:00), or None when the text is no such time."""
    if not isinstance(text, str):
        return None
    match = _CLOCK.match(text)
    if not match:
        return None
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    return minutes if minutes <= MINUTES_PER_DAY else None


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True)
class WorkingWindow:
    """A stretch of one local day, in minutes after midnight; the end is exclusive and may be 24:00."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(f"not a window within one day: {self.start_minute}-{self.end_minute}")

    @property
    def label(self) -> str:
        return f"{format_clock(self.start_minute)}-{format_clock(self.end_minute)}"

    def overlaps(self, other: WorkingWindow) -> bool:
        return self.start_minute < other.end_minute and other.start_minute < self.end_minute

    def without(self, hole: WorkingWindow) -> list[WorkingWindow]:
        """What is left of this window once `hole` is taken out of it (none, one or two pieces)."""
        if not self.overlaps(hole):
            return [self]
        pieces = []
        if self.start_minute < hole.start_minute:
            pieces.append(WorkingWindow(self.start_minute, hole.start_minute))
        if hole.end_minute < self.end_minute:
            pieces.append(WorkingWindow(hole.end_minute, self.end_minute))
        return pieces

    def to_document(self) -> dict[str, str]:
        return {"start": format_clock(self.start_minute), "end": format_clock(self.end_minute)}


@dataclass(frozen=True)
class UtcInterval:
    """Concrete working time: [start, end) as aware UTC datetimes."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def clipped(self, start: datetime, end: datetime) -> UtcInterval | None:
        lo, hi = max(self.start, start), min(self.end, end)
        return UtcInterval(lo, hi) if lo < hi else None


def utc_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (fold=0; see the module docstring)."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)
