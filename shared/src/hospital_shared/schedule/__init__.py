"""A doctor's weekly schedule, its date overrides, and how they turn into concrete working time in UTC.

Doctor-MS owns schedules and Appointment-MS turns them into free slots; both use these very rules, so they
live here. Pure Python: the standard library and `hospital_shared.errors` only. One idea per module:
limits (the bounds), local_time (wall-clock windows, zones, DST), validation (reading documents field by
field), appointment_types, time_off (date overrides), weekly (the schedule and its expansion).
"""

from hospital_shared.schedule.appointment_types import AppointmentType
from hospital_shared.schedule.limits import (
    MAX_APPOINTMENT_TYPES,
    MAX_BUFFER_MINUTES,
    MAX_DURATION_MINUTES,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    MAX_TIME_OFF_DAYS,
    MAX_WINDOWS_PER_DAY,
    MINUTES_PER_DAY,
    SLOT_STEPS,
    WEEKDAYS,
)
from hospital_shared.schedule.local_time import (
    UtcInterval,
    WorkingWindow,
    format_clock,
    parse_clock,
    zone_or_none,
)
from hospital_shared.schedule.time_off import TimeOff, TimeOffKind, time_off_conflicts
from hospital_shared.schedule.validation import InvalidSchedule
from hospital_shared.schedule.weekly import WeeklySchedule

__all__ = [
    "MAX_APPOINTMENT_TYPES",
    "MAX_BUFFER_MINUTES",
    "MAX_DURATION_MINUTES",
    "MAX_HORIZON_DAYS",
    "MAX_NOTICE_MINUTES",
    "MAX_TIME_OFF_DAYS",
    "MAX_WINDOWS_PER_DAY",
    "MINUTES_PER_DAY",
    "SLOT_STEPS",
    "WEEKDAYS",
    "AppointmentType",
    "InvalidSchedule",
    "TimeOff",
    "TimeOffKind",
    "UtcInterval",
    "WeeklySchedule",
    "WorkingWindow",
    "format_clock",
    "parse_clock",
    "time_off_conflicts",
    "zone_or_none",
]
