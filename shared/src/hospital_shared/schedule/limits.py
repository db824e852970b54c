"""The bounds a schedule must keep, named once for Doctor-MS's validation and Appointment-MS's requests."""

from __future__ import annotations

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
