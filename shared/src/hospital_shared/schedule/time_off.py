"""Date overrides of a weekly schedule: time away, or custom working hours for one date."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hospital_shared.schedule.limits import MAX_TIME_OFF_DAYS
from hospital_shared.schedule.local_time import WorkingWindow, format_clock
from hospital_shared.schedule.validation import FieldErrors, parse_date, parse_window


class TimeOffKind(enum.StrEnum):
    TIME_OFF = "time_off"  # the doctor is away: whole days, or some hours of each day in the range
    CUSTOM_HOURS = "custom_hours"  # on this date, these hours replace the weekday's windows


@dataclass(frozen=True)
class TimeOff:
    """A date override: time away (whole days or hours) or custom working hours for one date."""

    id: uuid.UUID
    kind: TimeOffKind
    start_date: date
    end_date: date
    window: WorkingWindow | None = None  # None: the whole day
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    def overlaps(self, other: TimeOff) -> bool:
        if self.start_date > other.end_date or other.start_date > self.end_date:
            return False
        if self.window is None or other.window is None:
            return True
        return self.window.overlaps(other.window)

    def to_document(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind.value,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "start_time": format_clock(self.window.start_minute) if self.window else None,
            "end_time": format_clock(self.window.end_minute) if self.window else None,
            "reason": self.reason,
        }

    @classmethod
    def from_document(cls, raw: Mapping[str, Any], *, new_id: uuid.UUID | None = None) -> TimeOff:
        """Validate a time-off entry; raises InvalidSchedule naming each bad field."""
        errors = FieldErrors()
        kind = _parse_kind(raw.get("kind", TimeOffKind.TIME_OFF.value), errors)
        start_date = parse_date(raw.get("start_date"), "start_date", errors)
        end_raw = raw.get("end_date")
        end_date = start_date if end_raw is None else parse_date(end_raw, "end_date", errors)
        window = _parse_hours(raw, errors)
        reason = raw.get("reason") or ""
        if not isinstance(reason, str) or len(reason) > 200:
            errors.add("reason", "Must be text of at most 200 characters.")
        if start_date and end_date:
            if end_date < start_date:
                errors.add("end_date", "Must be on or after start_date.")
            elif (end_date - start_date).days >= MAX_TIME_OFF_DAYS:
                errors.add("end_date", f"Time off may span at most {MAX_TIME_OFF_DAYS} days per entry.")
        if kind is TimeOffKind.CUSTOM_HOURS:
            if raw.get("start_time") is None and raw.get("end_time") is None:
                errors.add("start_time", "Custom hours need start_time and end_time.")
            if start_date and end_date and end_date != start_date:
                errors.add("end_date", "Custom hours apply to a single date: leave end_date out or equal.")
        errors.raise_if_any("The time-off entry is not valid.")
        assert kind and start_date and end_date  # every None case added an error above
        raw_id = raw.get("id")
        entry_id = new_id or (uuid.UUID(str(raw_id)) if raw_id else uuid.uuid4())
        return cls(entry_id, kind, start_date, end_date, window, reason)


def _parse_kind(raw: object, errors: FieldErrors) -> TimeOffKind | None:
    try:
        return TimeOffKind(raw)
    except ValueError:
        errors.add("kind", f"Must be one of: {', '.join(k.value for k in TimeOffKind)}.")
        return None


def _parse_hours(raw: Mapping[str, Any], errors: FieldErrors) -> WorkingWindow | None:
    start_raw, end_raw = raw.get("start_time"), raw.get("end_time")
    if start_raw is None and end_raw is None:
        return None
    if start_raw is None or end_raw is None:
        errors.add(
            "start_time" if start_raw is None else "end_time",
            "Give both start_time and end_time, or neither.",
        )
        return None
    sub = FieldErrors()
    window = parse_window({"start": start_raw, "end": end_raw}, "hours", sub)
    for path, messages in sub.by_field.items():
        target = "start_time" if path.endswith("start") else "end_time"
        for message in messages:
            errors.add(target, message)
    return window


def time_off_conflicts(existing: Iterable[TimeOff], new: TimeOff) -> list[str]:
    """Why `new` cannot sit beside `existing` entries (custom hours must not overlap other custom hours)."""
    if new.kind is not TimeOffKind.CUSTOM_HOURS:
        return []
    return [
        f"Overlaps custom hours {format_clock(e.window.start_minute)}-{format_clock(e.window.end_minute)} "
        f"on {e.start_date.isoformat()}."
        for e in existing
        if e.kind is TimeOffKind.CUSTOM_HOURS and e.window and new.overlaps(e)
    ]
