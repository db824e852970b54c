"""An appointment: one patient with one doctor for one stretch of time, and what may happen to it."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from hospital_shared.errors import Conflict, NotFound


class AppointmentStatus(enum.StrEnum):
    HELD = "held"  # kept for the patient for a few minutes while they confirm
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    EXPIRED = "expired"  # a hold nobody confirmed in time
    RESCHEDULED = "rescheduled"  # replaced by another appointment (rescheduled_to)

    @property
    def is_active(self) -> bool:
        """Active appointments hold the doctor's time; no two of them may overlap."""
        return self in (AppointmentStatus.BOOKED, AppointmentStatus.HELD)


@dataclass
class Appointment:
    id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    end: datetime
    status: AppointmentStatus
    reason: str = ""
    appointment_type: str = ""
    specialization: str = ""
    blocked_until: datetime | None = None
    hold_expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: uuid.UUID | None = None
    cancelled_by_role: str | None = None
    cancel_reason: str | None = None
    rescheduled_from: uuid.UUID | None = None
    rescheduled_to: uuid.UUID | None = None
    # A guest hold (made before sign-in) until a patient claims it with its token.
    claim_token_hash: str | None = None
    guest_key: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("appointment times must carry a time zone")
        if self.end <= self.start:
            raise ValueError("an appointment must end after it starts")
        if self.blocked_until is None:
            self.blocked_until = self.end

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def effective_status(self, now: datetime) -> AppointmentStatus:
        """A hold past its expiry is expired, whether or not anyone has written that down yet."""
        if self.status is AppointmentStatus.HELD and self.hold_expires_at and self.hold_expires_at <= now:
            return AppointmentStatus.EXPIRED
        return self.status

    def check_changeable(self, now: datetime) -> None:
        """Only an upcoming booked appointment (or a live hold) can be cancelled or moved."""
        status = self.effective_status(now)
        if status is AppointmentStatus.EXPIRED:
            raise NotFound("This hold has expired; find a new slot.")
        if not status.is_active:
            raise Conflict(f"This appointment is {status.value}; it cannot be changed.")
        if self.start <= now:
            raise Conflict("This appointment has already started; it cannot be changed.")
