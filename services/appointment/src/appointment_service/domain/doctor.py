"""A doctor as Appointment-MS knows them: its copy of Doctor-MS's snapshot (services/doctor/EVENTS.md)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hospital_shared.schedule import AppointmentType, TimeOff, UtcInterval, WeeklySchedule

_MAX_EXPANDED_DAYS = 400


@dataclass(frozen=True)
class SpecializationInfo:
    slug: str
    name: str
    default_duration_minutes: int


@dataclass(frozen=True)
class BookableDoctor:
    """Everything the slot finder needs of one doctor, rebuilt from the newest event applied."""

    id: uuid.UUID
    user_id: uuid.UUID
    full_name: str
    specializations: tuple[SpecializationInfo, ...]
    schedule: WeeklySchedule
    time_off: tuple[TimeOff, ...]
    accepting_new_patients: bool
    languages: tuple[str, ...]
    version: int
    clinic: str = ""
    location: str = ""
    # Each local day's working time, expanded once: this object lives as long as its version does.
    _days: dict[date, tuple[UtcInterval, ...]] = field(default_factory=dict, compare=False, repr=False)

    def working_intervals(self, first_day: date, last_day: date) -> list[UtcInterval]:
        """The doctor's UTC working time on the local days first_day..last_day (schedule and time off)."""
        intervals: list[UtcInterval] = []
        day = first_day
        while day <= last_day:
            expanded = self._days.get(day)
            if expanded is None:
                expanded = tuple(self.schedule.working_intervals(day, day, self.time_off))
                if len(self._days) >= _MAX_EXPANDED_DAYS:
                    self._days.clear()
                self._days[day] = expanded
            intervals.extend(expanded)
            day += timedelta(days=1)
        return intervals

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any], *, version: int) -> BookableDoctor:
        """Read an event payload (schema_version 1). Doctor-MS validated it, so errors here are bugs."""
        doctor = snapshot["doctor"]
        schedule_doc = {k: v for k, v in snapshot["schedule"].items() if k != "version"}
        return cls(
            id=uuid.UUID(doctor["id"]),
            user_id=uuid.UUID(doctor["user_id"]),
            full_name=doctor["full_name"],
            specializations=tuple(
                SpecializationInfo(s["slug"], s["name"], int(s["default_duration_minutes"]))
                for s in doctor["specializations"]
            ),
            schedule=WeeklySchedule.from_document(schedule_doc),
            time_off=tuple(TimeOff.from_document(entry) for entry in snapshot.get("time_off", [])),
            accepting_new_patients=bool(doctor.get("accepting_new_patients", True)),
            languages=tuple(doctor.get("languages") or ()),
            version=version,
            clinic=doctor.get("clinic") or "",
            location=doctor.get("location") or "",
        )

    def specialization(self, slug: str | None) -> SpecializationInfo | None:
        if slug is None:
            return self.specializations[0] if self.specializations else None
        return next((s for s in self.specializations if s.slug == slug), None)

    def appointment_type_for(
        self, *, specialization: SpecializationInfo | None, code: str | None, duration_minutes: int | None
    ) -> AppointmentType | None:
        """What the visit is and how long it takes: the request's duration, else the named appointment
        type, else the doctor's own type for the specialization, else the specialization's default.
        None when the doctor does not offer what was asked for."""
        types = self.schedule.appointment_types
        default = None
        if specialization is not None and self.schedule.appointment_type(specialization.slug) is None:
            default = AppointmentType(
                specialization.slug,
                f"{specialization.name} consultation",
                specialization.default_duration_minutes,
            )
        if code is not None:
            chosen = self.schedule.appointment_type(code) or (
                default if default and default.code == code else None
            )
            if chosen is None or (
                duration_minutes is not None and duration_minutes != chosen.duration_minutes
            ):
                return None
            return chosen
        if duration_minutes is not None:
            preferred = specialization and self.schedule.appointment_type(specialization.slug)
            if preferred and preferred.duration_minutes == duration_minutes:
                return preferred
            offered = next((t for t in types if t.duration_minutes == duration_minutes), None)
            if offered is None and default and default.duration_minutes == duration_minutes:
                return default
            return offered
        if specialization is not None:
            return self.schedule.appointment_type(specialization.slug) or default
        return types[0] if types else None
