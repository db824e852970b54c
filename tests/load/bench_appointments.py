"""The bench hospital's bookings: for each doctor, appointments that obey every rule the slot finder obeys.

Each appointment starts on the doctor's slot grid (a working window's UTC start plus whole slot steps, from
WeeklySchedule.working_intervals, so time zones, DST, custom hours and time off follow the real rules), lasts
one of the doctor's appointment types, ends inside its window, and blocks the doctor until its end plus the
buffer; no two blocked ranges of a doctor overlap. Each doctor gets a load (booked share of scheduled time)
between 10% and 70%, higher for the coming week than for the weeks after, as in a real clinic.
Pure Python, no I/O: rows come out as tuples ready for COPY.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hospital_shared.schedule import TimeOff, WeeklySchedule

HORIZON_DAYS = 30
LOAD_RANGE = (0.10, 0.70)
# Near days fill up first: how much busier than the doctor's average each week ahead is.
WEEK_FACTORS = (1.35, 1.05, 0.85, 0.7, 0.6)
REASONS = (
    "Chest pain on exertion", "Routine check-up", "Follow-up after test results", "Prescription renewal",
    "Persistent headache", "Skin rash", "Back pain", "Blood pressure review", "Vaccination", "Sleep problems",
    "Second opinion", "Knee pain after running", "Annual screening", "Cough for three weeks",
)  # fmt: skip
# Columns of AppointmentRow, in the order the rows below give them.
COLUMNS = (
    "id", "patient_id", "doctor_id", "starts_at", "ends_at", "blocked_until", "status", "reason",
    "appointment_type", "specialization", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class BookableWeek:
    """What the generator needs of one doctor: their schedule, time off and specialty slugs."""

    doctor_id: uuid.UUID
    schedule: WeeklySchedule
    time_off: Sequence[TimeOff]
    specializations: Sequence[str]

    @classmethod
    def from_documents(
        cls, doctor_id: uuid.UUID, schedule: Mapping[str, Any], time_off: Sequence[Mapping[str, Any]],
        specializations: Sequence[str],
    ) -> BookableWeek:  # fmt: skip
        return cls(
            doctor_id,
            WeeklySchedule.from_document(schedule),
            [TimeOff.from_document(entry) for entry in time_off],
            list(specializations),
        )


@dataclass
class DoctorBookings:
    doctor_id: uuid.UUID
    rows: list[tuple[str, ...]]
    scheduled_minutes: int
    booked_minutes: int

    @property
    def load(self) -> float:
        return self.booked_minutes / self.scheduled_minutes if self.scheduled_minutes else 0.0


def _minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


class _Clock:
    """Minutes since the epoch as timestamptz text, memoised (the same minutes recur across doctors)."""

    def __init__(self) -> None:
        self._text: dict[int, str] = {}

    def __call__(self, minute: int) -> str:
        text = self._text.get(minute)
        if text is None:
            text = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M:00+00")
            self._text[minute] = text
        return text


def _type_choices(week: BookableWeek) -> list[tuple[str, int, str]]:
    """(type code, duration, specialization) of each appointment type, the specialty's own first."""
    first = week.specializations[0]
    return [
        (t.code, t.duration_minutes, t.code if t.code in week.specializations else first)
        for t in week.schedule.appointment_types
    ]


def book_doctor(
    week: BookableWeek, *, now: datetime, rng: random.Random, clock: _Clock, limit: int | None = None
) -> DoctorBookings:
    """Appointments for one doctor over the next HORIZON_DAYS days (at most `limit`)."""
    now_minute = _minute(now) + 1
    end_minute = now_minute + HORIZON_DAYS * 24 * 60
    zone = week.schedule.zone
    first_day = now.astimezone(zone).date() - timedelta(days=1)
    intervals = week.schedule.working_intervals(
        first_day, first_day + timedelta(days=HORIZON_DAYS + 2), week.time_off
    )
    step, buffer = week.schedule.slot_step_minutes, week.schedule.buffer_minutes
    types = _type_choices(week)
    weights = [3 if code == "follow-up" else 2 for code, _, _ in types]
    load = rng.uniform(*LOAD_RANGE)
    # The grid of candidate starts, per week ahead, and how many minutes each week is scheduled.
    by_week: dict[int, list[tuple[int, int]]] = {}
    scheduled: dict[int, int] = {}
    for interval in intervals:
        start, end = _minute(interval.start), _minute(interval.end)
        if end <= now_minute or start >= end_minute:
            continue
        first = start + max(0, -(-(now_minute - start) // step)) * step  # the grid stays anchored at start
        for slot in range(first, min(end, end_minute), step):
            by_week.setdefault((slot - now_minute) // (7 * 24 * 60), []).append((slot, end))
        clipped = min(end, end_minute) - max(start, now_minute)
        ahead = (max(start, now_minute) - now_minute) // (7 * 24 * 60)
        scheduled[ahead] = scheduled.get(ahead, 0) + clipped
    blocked = bytearray(end_minute - now_minute + 24 * 60)
    rows: list[tuple[str, ...]] = []
    booked = 0
    doctor = str(week.doctor_id)
    for ahead, candidates in sorted(by_week.items()):
        factor = WEEK_FACTORS[min(ahead, len(WEEK_FACTORS) - 1)]
        target = min(0.95, load * factor) * scheduled.get(ahead, 0)
        rng.shuffle(candidates)
        booked_this_week = 0
        for slot, window_end in candidates:
            if booked_this_week >= target or (limit is not None and len(rows) >= limit):
                break
            code, duration, specialization = rng.choices(types, weights=weights)[0]
            if slot + duration > window_end:
                continue
            lo, hi = slot - now_minute, slot - now_minute + duration + buffer
            if blocked.find(1, lo, hi) != -1:
                continue
            blocked[lo:hi] = b"\x01" * (hi - lo)
            booked_this_week += duration
            created = now_minute - 1 - rng.randrange(0, 28 * 24 * 60)
            rows.append((
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),  # one patient per appointment
                doctor, clock(slot), clock(slot + duration), clock(slot + duration + buffer),
                "booked", rng.choice(REASONS), code, specialization, clock(created), clock(created),
            ))  # fmt: skip
        booked += booked_this_week
    return DoctorBookings(week.doctor_id, rows, sum(scheduled.values()), booked)


def book_hospital(
    weeks: Sequence[BookableWeek], *, now: datetime, limit_per_doctor: int | None = None
) -> Iterator[DoctorBookings]:
    """Each doctor's bookings; deterministic for a given `now` (each doctor has its own random stream)."""
    clock = _Clock()
    for week in weeks:
        rng = random.Random(f"hospital-bench:bookings:{week.doctor_id}:{now:%Y-%m-%d}")
        yield book_doctor(week, now=now, rng=rng, clock=clock, limit=limit_per_doctor)
