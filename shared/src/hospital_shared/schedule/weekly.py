"""A doctor's weekly schedule, and how it turns into concrete working time in UTC.

Doctor-MS owns schedules and Appointment-MS turns them into free slots; both use these very rules, so they
live here. Pure Python: the standard library and `hospital_shared.errors` only.

Times in a schedule are local wall-clock times in the doctor's IANA time zone. Expanding them to UTC follows
PEP 495 as implemented by `zoneinfo` with `fold=0`:
- a local time that does not exist (the hour skipped in spring) is read with the offset in force before the
  change, so "02:30" on that day means 03:30 summer time, and a window 01:00-03:00 lasts one real hour;
- a local time that happens twice (the hour repeated in autumn) means its first occurrence.
"""

from __future__ import annotations

import enum
import itertools
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hospital_shared.errors import ValidationFailed

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60
SLOT_STEPS = (5, 10, 15, 20, 30, 60)
MAX_WINDOWS_PER_DAY = 12
MAX_APPOINTMENT_TYPES = 20
MAX_BUFFER_MINUTES = 240
MAX_NOTICE_MINUTES = 30 * MINUTES_PER_DAY
MAX_HORIZON_DAYS = 366
MAX_DURATION_MINUTES = 8 * 60
MAX_TIME_OFF_DAYS = 366

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class InvalidSchedule(ValidationFailed):
    """A schedule or time-off entry that breaks a rule; `errors` names each offending field."""


class _Errors:
    """Collects every problem of a document, keyed by the path of the field it concerns."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_field.setdefault(path, []).append(message)

    def raise_if_any(self, detail: str) -> None:
        if self.by_field:
            raise InvalidSchedule(detail, errors=self.by_field)


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

    def to_document(self) -> dict[str, str]:
        return {"start": format_clock(self.start_minute), "end": format_clock(self.end_minute)}


def _parse_window(raw: object, path: str, errors: _Errors) -> WorkingWindow | None:
    if not isinstance(raw, Mapping):
        errors.add(path, 'Must be an object with start and end, such as {"start": "09:00", "end": "17:00"}.')
        return None
    start, end = parse_clock(raw.get("start")), parse_clock(raw.get("end"))
    if start is None or start == MINUTES_PER_DAY:
        errors.add(f"{path}.start", "Must be a local time HH:MM between 00:00 and 23:59.")
    if end is None:
        errors.add(f"{path}.end", "Must be a local time HH:MM between 00:00 and 24:00.")
    if start is None or end is None or start == MINUTES_PER_DAY:
        return None
    if end == start:
        errors.add(f"{path}.end", "Must be after the start.")
        return None
    if end < start:
        errors.add(
            f"{path}.end",
            f"Must be after the start: windows past midnight are not supported; split it into "
            f"{format_clock(start)}-24:00 and 00:00-{format_clock(end)} on the next day.",
        )
        return None
    return WorkingWindow(start, end)


def _check_no_overlap(windows: Sequence[WorkingWindow], path: str, errors: _Errors) -> None:
    ordered = sorted(windows)
    for before, after in itertools.pairwise(ordered):
        if before.overlaps(after):
            errors.add(path, f"Windows overlap: {before.label} and {after.label}.")


@dataclass(frozen=True)
class AppointmentType:
    """A kind of visit the doctor offers, with how long it takes."""

    code: str
    name: str
    duration_minutes: int

    def to_document(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "duration_minutes": self.duration_minutes}


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
        errors = _Errors()
        kind = _parse_kind(raw.get("kind", TimeOffKind.TIME_OFF.value), errors)
        start_date = _parse_date(raw.get("start_date"), "start_date", errors)
        end_raw = raw.get("end_date")
        end_date = start_date if end_raw is None else _parse_date(end_raw, "end_date", errors)
        window = _parse_time_off_hours(raw, errors)
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


def _parse_kind(raw: object, errors: _Errors) -> TimeOffKind | None:
    try:
        return TimeOffKind(raw)
    except ValueError:
        errors.add("kind", f"Must be one of: {', '.join(k.value for k in TimeOffKind)}.")
        return None


def _parse_date(raw: object, path: str, errors: _Errors) -> date | None:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    errors.add(path, "Must be a date YYYY-MM-DD.")
    return None


def _parse_time_off_hours(raw: Mapping[str, Any], errors: _Errors) -> WorkingWindow | None:
    start_raw, end_raw = raw.get("start_time"), raw.get("end_time")
    if start_raw is None and end_raw is None:
        return None
    if start_raw is None or end_raw is None:
        errors.add(
            "start_time" if start_raw is None else "end_time",
            "Give both start_time and end_time, or neither.",
        )
        return None
    sub = _Errors()
    window = _parse_window({"start": start_raw, "end": end_raw}, "hours", sub)
    for path, messages in sub.by_field.items():
        target = "start_time" if path.endswith("start") else "end_time"
        for message in messages:
            errors.add(target, message)
    return window


@dataclass(frozen=True)
class WeeklySchedule:
    """The doctor's recurring working week plus the booking rules that go with it."""

    time_zone: str
    slot_step_minutes: int = 15
    buffer_minutes: int = 0
    minimum_notice_minutes: int = 60
    booking_horizon_days: int = 60
    weekly: tuple[tuple[WorkingWindow, ...], ...] = field(default=((),) * 7)  # index 0 = Monday
    appointment_types: tuple[AppointmentType, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # -- documents ---------------------------------------------------------------------------------------

    @classmethod
    def from_document(
        cls, doc: Mapping[str, Any], *, default_types: Sequence[AppointmentType] = ()
    ) -> WeeklySchedule:
        """Validate a schedule document; every broken rule is reported with its field path.

        Appointment types may leave out `duration_minutes` (or the whole list may be left out): the defaults
        (normally one per specialization of the doctor) fill the gap.
        """
        errors = _Errors()
        time_zone = doc.get("time_zone")
        if zone_or_none(time_zone) is None:
            errors.add(
                "time_zone", f"Unknown time zone {time_zone!r}: use an IANA name such as Europe/Berlin."
            )
        step = _int_in(doc, "slot_step_minutes", 15, errors, allowed=SLOT_STEPS)
        buffer = _int_in(doc, "buffer_minutes", 0, errors, low=0, high=MAX_BUFFER_MINUTES)
        notice = _int_in(doc, "minimum_notice_minutes", 60, errors, low=0, high=MAX_NOTICE_MINUTES)
        horizon = _int_in(doc, "booking_horizon_days", 60, errors, low=1, high=MAX_HORIZON_DAYS)
        weekly = _parse_weekly(doc.get("weekly", {}), errors)
        types = _parse_types(doc.get("appointment_types"), step, default_types, errors)
        errors.raise_if_any("The schedule is not valid; nothing was changed.")
        return cls(
            time_zone=str(time_zone),
            slot_step_minutes=step,
            buffer_minutes=buffer,
            minimum_notice_minutes=notice,
            booking_horizon_days=horizon,
            weekly=weekly,
            appointment_types=types,
        )

    def to_document(self) -> dict[str, Any]:
        return {
            "time_zone": self.time_zone,
            "slot_step_minutes": self.slot_step_minutes,
            "buffer_minutes": self.buffer_minutes,
            "minimum_notice_minutes": self.minimum_notice_minutes,
            "booking_horizon_days": self.booking_horizon_days,
            "weekly": {
                name: [w.to_document() for w in self.weekly[index]] for index, name in enumerate(WEEKDAYS)
            },
            "appointment_types": [t.to_document() for t in self.appointment_types],
        }

    def with_time_zone(self, time_zone: str) -> WeeklySchedule:
        if zone_or_none(time_zone) is None:
            raise InvalidSchedule(errors={"time_zone": [f"Unknown time zone {time_zone!r}."]})
        return replace(self, time_zone=time_zone)

    # -- expansion ---------------------------------------------------------------------------------------

    def windows_on(self, day: date, time_off: Iterable[TimeOff] = ()) -> list[WorkingWindow]:
        """The local working windows of one date, after custom hours and time off are applied."""
        entries = [entry for entry in time_off if entry.covers(day)]
        custom = sorted(e.window for e in entries if e.kind is TimeOffKind.CUSTOM_HOURS and e.window)
        windows = custom or list(self.weekly[day.weekday()])
        for entry in entries:
            if entry.kind is not TimeOffKind.TIME_OFF:
                continue
            if entry.window is None:
                return []
            windows = [piece for w in windows for piece in _subtract(w, entry.window)]
        return windows

    def working_intervals(
        self, first_day: date, last_day: date, time_off: Iterable[TimeOff] = ()
    ) -> list[UtcInterval]:
        """Concrete UTC working time for the local dates first_day..last_day (both included), in order."""
        zone, entries = self.zone, list(time_off)
        intervals: list[UtcInterval] = []
        day = first_day
        while day <= last_day:
            for window in self.windows_on(day, entries):
                start = _utc(day, window.start_minute, zone)
                end = _utc(day, window.end_minute, zone)
                if start < end:
                    intervals.append(UtcInterval(start, end))
            day += timedelta(days=1)
        return intervals

    def working_intervals_between(
        self, start: datetime, end: datetime, time_off: Iterable[TimeOff] = ()
    ) -> list[UtcInterval]:
        """Concrete UTC working time inside [start, end) (aware datetimes), clipped to that range."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("start and end must be aware datetimes")
        zone = self.zone
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        clipped = (i.clipped(start, end) for i in self.working_intervals(first, last, time_off))
        return [i for i in clipped if i is not None]

    def bookable_range(self, now: datetime) -> UtcInterval:
        """From now plus the minimum notice to the end of the last local day inside the booking horizon."""
        zone = self.zone
        earliest = now + timedelta(minutes=self.minimum_notice_minutes)
        last_day = now.astimezone(zone).date() + timedelta(days=self.booking_horizon_days)
        latest = _utc(last_day, MINUTES_PER_DAY, zone)
        return UtcInterval(earliest.astimezone(UTC), max(latest, earliest.astimezone(UTC)))

    def appointment_type(self, code: str) -> AppointmentType | None:
        return next((t for t in self.appointment_types if t.code == code), None)


def _utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (fold=0; see the module docstring)."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def _subtract(window: WorkingWindow, hole: WorkingWindow) -> list[WorkingWindow]:
    if not window.overlaps(hole):
        return [window]
    pieces = []
    if window.start_minute < hole.start_minute:
        pieces.append(WorkingWindow(window.start_minute, hole.start_minute))
    if hole.end_minute < window.end_minute:
        pieces.append(WorkingWindow(hole.end_minute, window.end_minute))
    return pieces


def _int_in(
    doc: Mapping[str, Any],
    key: str,
    default: int,
    errors: _Errors,
    *,
    low: int = 0,
    high: int = 0,
    allowed: Sequence[int] = (),
) -> int:
    value = doc.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(key, "Must be a whole number.")
        return default
    if allowed and value not in allowed:
        errors.add(key, f"Must be one of {', '.join(map(str, allowed))}.")
        return default
    if not allowed and not low <= value <= high:
        errors.add(key, f"Must be between {low} and {high}.")
        return default
    return value


def _parse_weekly(raw: object, errors: _Errors) -> tuple[tuple[WorkingWindow, ...], ...]:
    if not isinstance(raw, Mapping):
        errors.add("weekly", "Must be an object keyed by weekday (monday ... sunday).")
        return ((),) * 7
    for name in raw:
        if name not in WEEKDAYS:
            errors.add(f"weekly.{name}", "Not a weekday: use monday, tuesday, ... sunday.")
    days = []
    for name in WEEKDAYS:
        entries = raw.get(name) or []
        path = f"weekly.{name}"
        if not isinstance(entries, list):
            errors.add(path, "Must be a list of windows.")
            entries = []
        if len(entries) > MAX_WINDOWS_PER_DAY:
            errors.add(path, f"At most {MAX_WINDOWS_PER_DAY} windows per day.")
        windows = [_parse_window(entry, f"{path}[{i}]", errors) for i, entry in enumerate(entries)]
        valid = [w for w in windows if w is not None]
        _check_no_overlap(valid, path, errors)
        days.append(tuple(sorted(valid)))
    return tuple(days)


def _parse_types(
    raw: object, step: int, defaults: Sequence[AppointmentType], errors: _Errors
) -> tuple[AppointmentType, ...]:
    by_code = {t.code: t for t in defaults}
    if raw is None or raw == []:
        entries: list[Any] = [t.to_document() for t in defaults]
    elif isinstance(raw, list):
        entries = raw
    else:
        errors.add("appointment_types", "Must be a list of appointment types.")
        return ()
    if not entries:
        errors.add("appointment_types", "Give at least one appointment type.")
    if len(entries) > MAX_APPOINTMENT_TYPES:
        errors.add("appointment_types", f"At most {MAX_APPOINTMENT_TYPES} appointment types.")
    types, seen = [], set()
    for index, entry in enumerate(entries):
        parsed = _parse_type(entry, f"appointment_types[{index}]", step, by_code, errors)
        if parsed is None:
            continue
        if parsed.code in seen:
            errors.add(f"appointment_types[{index}].code", f"Duplicate code {parsed.code!r}.")
        seen.add(parsed.code)
        types.append(parsed)
    return tuple(types)


def _parse_type(
    raw: object, path: str, step: int, defaults: Mapping[str, AppointmentType], errors: _Errors
) -> AppointmentType | None:
    if not isinstance(raw, Mapping):
        errors.add(path, "Must be an object with code, name and duration_minutes.")
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        errors.add(f"{path}.code", "Must be 1-40 lowercase letters, digits or dashes, such as 'follow-up'.")
        return None
    default = defaults.get(code)
    name = raw.get("name") or (default.name if default else None)
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 80:
        errors.add(f"{path}.name", "Must be text of 1 to 80 characters.")
        return None
    duration = raw.get("duration_minutes")
    if duration is None and default is not None:
        duration = default.duration_minutes
    if isinstance(duration, bool) or not isinstance(duration, int):
        errors.add(f"{path}.duration_minutes", "Must be a whole number of minutes.")
        return None
    if not step <= duration <= MAX_DURATION_MINUTES:
        errors.add(f"{path}.duration_minutes", f"Must be between {step} and {MAX_DURATION_MINUTES} minutes.")
        return None
    if duration % step:
        errors.add(
            f"{path}.duration_minutes",
            f"{duration} minutes is not a multiple of the slot step ({step} minutes).",
        )
        return None
    return AppointmentType(code=code, name=name.strip(), duration_minutes=duration)


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
