"""An appointment: one patient with one doctor for one stretch of time."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"

    @property
    def is_active(self) -> bool:
        """Active appointments hold the doctor's time; no two of them may overlap."""
        return self is AppointmentStatus.BOOKED


@dataclass
class Appointment:
    id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    end: datetime
    status: AppointmentStatus
    reason: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("appointment times must carry a time zone")
        if self.end <= self.start:
            raise ValueError("an appointment must end after it starts")

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)
