"""Reading untrusted schedule documents: every broken rule is collected with the path of its field, so one
answer names them all."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from hospital_shared.errors import ValidationFailed
from hospital_shared.schedule.limits import MINUTES_PER_DAY
from hospital_shared.schedule.local_time import WorkingWindow, format_clock, parse_clock


class InvalidSchedule(ValidationFailed):
    """A schedule or time-off entry that breaks a rule; `errors` names each offending field."""


class FieldErrors:
    """Collects every problem of a document, keyed by the path of the field it concerns."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_field.setdefault(path, []).append(message)

    def raise_if_any(self, detail: str) -> None:
        if self.by_field:
            raise InvalidSchedule(detail, errors=self.by_field)


def parse_window(raw: object, path: str, errors: FieldErrors) -> WorkingWindow | None:
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


def check_no_overlap(windows: Sequence[WorkingWindow], path: str, errors: FieldErrors) -> None:
    ordered = sorted(windows)
    for before, after in itertools.pairwise(ordered):
        if before.overlaps(after):
            errors.add(path, f"Windows overlap: {before.label} and {after.label}.")


def parse_date(raw: object, path: str, errors: FieldErrors) -> date | None:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    errors.add(path, "Must be a date YYYY-MM-DD.")
    return None


def whole_number_in(
    doc: Mapping[str, Any],
    key: str,
    default: int,
    errors: FieldErrors,
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
