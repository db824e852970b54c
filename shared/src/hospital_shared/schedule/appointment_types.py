"""The kinds of visit a doctor offers, and how a schedule document lists them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hospital_shared.schedule.limits import MAX_APPOINTMENT_TYPES, MAX_DURATION_MINUTES
from hospital_shared.schedule.validation import FieldErrors

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class AppointmentType:
    """A kind of visit the doctor offers, with how long it takes."""

    code: str
    name: str
    duration_minutes: int

    def to_document(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "duration_minutes": self.duration_minutes}


def parse_appointment_types(
    raw: object, step: int, defaults: Sequence[AppointmentType], errors: FieldErrors
) -> tuple[AppointmentType, ...]:
    """The document's appointment types; a left-out list or duration is filled from `defaults`."""
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
    raw: object, path: str, step: int, defaults: Mapping[str, AppointmentType], errors: FieldErrors
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
