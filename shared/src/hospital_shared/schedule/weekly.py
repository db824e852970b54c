"""A doctor's weekly schedule, and how it turns into concrete working time in UTC (see local_time for DST)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hospital_shared.schedule.appointment_types import AppointmentType, parse_appointment_types
from hospital_shared.schedule.limits import (
    MAX_BUFFER_MINUTES,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    MAX_WINDOWS_PER_DAY,
    MINUTES_PER_DAY,
    SLOT_STEPS,
    WEEKDAYS,
)
from hospital_shared.schedule.local_time import UtcInterval, WorkingWindow, utc_instant, zone_or_none
from hospital_shared.schedule.time_off import TimeOff, TimeOffKind
from hospital_shared.schedule.validation import (
    FieldErrors,
    InvalidSchedule,
    check_no_overlap,
    parse_window,
    whole_number_in,
)


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
        errors = FieldErrors()
        time_zone = doc.get("time_zone")
        if zone_or_none(time_zone) is None:
            errors.add(
                "time_zone", f"Unknown time zone {time_zone!r}: use an IANA name such as Europe/Berlin."
            )
        step = whole_number_in(doc, "slot_step_minutes", 15, errors, allowed=SLOT_STEPS)
        buffer = whole_number_in(doc, "buffer_minutes", 0, errors, low=0, high=MAX_BUFFER_MINUTES)
        notice = whole_number_in(doc, "minimum_notice_minutes", 60, errors, low=0, high=MAX_NOTICE_MINUTES)
        horizon = whole_number_in(doc, "booking_horizon_days", 60, errors, low=1, high=MAX_HORIZON_DAYS)
        weekly = _parse_weekly(doc.get("weekly", {}), errors)
        types = parse_appointment_types(doc.get("appointment_types"), step, default_types, errors)
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
            windows = [piece for w in windows for piece in w.without(entry.window)]
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
                start = utc_instant(day, window.start_minute, zone)
                end = utc_instant(day, window.end_minute, zone)
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
        latest = utc_instant(last_day, MINUTES_PER_DAY, zone)
        return UtcInterval(earliest.astimezone(UTC), max(latest, earliest.astimezone(UTC)))

    def appointment_type(self, code: str) -> AppointmentType | None:
        return next((t for t in self.appointment_types if t.code == code), None)


def _parse_weekly(raw: object, errors: FieldErrors) -> tuple[tuple[WorkingWindow, ...], ...]:
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
        windows = [parse_window(entry, f"{path}[{i}]", errors) for i, entry in enumerate(entries)]
        valid = [w for w in windows if w is not None]
        check_no_overlap(valid, path, errors)
        days.append(tuple(sorted(valid)))
    return tuple(days)
