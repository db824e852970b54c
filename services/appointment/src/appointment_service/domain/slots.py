"""The slot finder: free time of doctors, cut into bookable starts, ranked. Pure: no I/O, no clock of its own.

Free time = the doctor's working windows (weekly schedule, custom hours and time off, expanded DST-exactly by
hospital_shared.schedule) minus every active appointment and hold, each with the doctor's buffer after it.
A slot starts on the doctor's grid (a window's start plus multiples of the slot step), fits in its window,
leaves the buffer free before the next appointment, and lies between now + minimum notice and the end of the
booking horizon.

Ranking: earliest start first; among doctors free at the same start, the less loaded (booked share of
scheduled minutes over the next 7 days) first, then the one booked least recently. Each slot says why.
"""

from __future__ import annotations

import bisect
import enum
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from appointment_service.domain.doctor import BookableDoctor, SpecializationInfo
from hospital_shared.schedule import AppointmentType, UtcInterval

LOAD_DAYS = 7
_NEVER = datetime.min.replace(tzinfo=UTC)


class TimeOfDay(enum.StrEnum):
    """Parts of the doctor's local day a patient may ask for."""

    MORNING = "morning"  # before 12:00
    AFTERNOON = "afternoon"  # 12:00 to 17:00
    EVENING = "evening"  # from 17:00

    def contains(self, local_hour: int) -> bool:
        if self is TimeOfDay.MORNING:
            return local_hour < 12
        if self is TimeOfDay.AFTERNOON:
            return 12 <= local_hour < 17
        return local_hour >= 17


@dataclass(frozen=True, order=True)
class Busy:
    """Time a doctor cannot be booked: an appointment or hold, from its start to its end plus buffer."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class DoctorLoad:
    """How busy a doctor is over the coming week, and when they were last booked."""

    booked_minutes: int = 0
    scheduled_minutes: int = 0
    last_booked_at: datetime | None = None

    @property
    def share(self) -> float:
        if self.scheduled_minutes <= 0:
            return 0.0
        return min(1.0, self.booked_minutes / self.scheduled_minutes)

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class Candidate:
    """A doctor who may answer a search, with the visit it would be."""

    doctor: BookableDoctor
    specialization: SpecializationInfo | None
    appointment_type: AppointmentType

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.appointment_type.duration_minutes)


@dataclass(frozen=True)
class Slot:
    doctor: BookableDoctor
    specialization: SpecializationInfo | None
    appointment_type: AppointmentType
    start: datetime
    end: datetime
    rank_reason: str = ""

    @property
    def duration_minutes(self) -> int:
        return self.appointment_type.duration_minutes


@dataclass(frozen=True)
class SlotRequest:
    """What a patient asks for; either a specialization or one doctor."""

    start: datetime
    end: datetime
    limit: int
    specialization: str | None = None
    doctor_id: uuid.UUID | None = None
    duration_minutes: int | None = None
    appointment_type: str | None = None
    time_of_day: TimeOfDay | None = None
    language: str | None = None


class Exclusion(enum.StrEnum):
    """Why a doctor of the right specialization cannot answer (used to explain an empty answer)."""

    NOT_ACCEPTING = "not_accepting_new_patients"
    LANGUAGE = "language"
    VISIT_NOT_OFFERED = "visit_not_offered"


def candidates_for(
    request: SlotRequest,
    doctors: Iterable[BookableDoctor],
    *,
    known_doctor_ids: frozenset[uuid.UUID] | None,
) -> tuple[list[Candidate], set[Exclusion]]:
    """The doctors who can answer, and why any others could not.

    `known_doctor_ids`: doctors the patient has seen (None for an anonymous caller, who has seen nobody).
    Doctors not accepting new patients answer only patients who have seen them.
    """
    chosen: list[Candidate] = []
    excluded: set[Exclusion] = set()
    for doctor in doctors:
        specialization = doctor.specialization(request.specialization)
        if request.specialization is not None and specialization is None:
            continue
        if not doctor.accepting_new_patients and doctor.id not in (known_doctor_ids or frozenset()):
            excluded.add(Exclusion.NOT_ACCEPTING)
            continue
        if request.language and request.language not in doctor.languages:
            excluded.add(Exclusion.LANGUAGE)
            continue
        visit = doctor.appointment_type_for(
            specialization=specialization,
            code=request.appointment_type,
            duration_minutes=request.duration_minutes,
        )
        if visit is None:
            excluded.add(Exclusion.VISIT_NOT_OFFERED)
            continue
        chosen.append(Candidate(doctor, specialization, visit))
    return chosen, excluded


def free_starts(
    candidate: Candidate,
    busy: Sequence[Busy],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    time_of_day: TimeOfDay | None = None,
    limit: int | None = None,
) -> list[datetime]:
    """The bookable starts of the candidate's visit in [start, end), in order (the first `limit` of them).

    `busy` is sorted by start."""
    schedule = candidate.doctor.schedule
    bookable = schedule.bookable_range(now)
    lo, hi = max(start, bookable.start), min(end, bookable.end)
    if lo >= hi:
        return []
    zone = schedule.zone
    duration = candidate.duration
    buffer = timedelta(minutes=schedule.buffer_minutes)
    step = timedelta(minutes=schedule.slot_step_minutes)
    ends = [b.end for b in busy]
    starts: list[datetime] = []
    windows = candidate.doctor.working_intervals(lo.astimezone(zone).date(), hi.astimezone(zone).date())
    for window in windows:
        latest_start = min(window.end - duration, bookable.end - duration, hi - timedelta(microseconds=1))
        t = window.start
        if t < lo:
            t += step * -((window.start - lo) // step)  # the first grid point at or after lo
        i = bisect.bisect_right(ends, t)
        while t <= latest_start:
            while i < len(busy) and busy[i].end <= t:
                i += 1
            if i < len(busy) and busy[i].start < t + duration + buffer:
                # Blocked: jump to the first grid point at or after the end of what blocks us.
                t += step * max(1, -((t - busy[i].end) // step))
                continue
            if time_of_day is None or time_of_day.contains(t.astimezone(zone).hour):
                starts.append(t)
                if limit is not None and len(starts) >= limit:
                    return starts
            t += step
    return starts


def free_slots(
    candidates: Iterable[Candidate],
    busy_by_doctor: Mapping[uuid.UUID, Sequence[Busy]],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    time_of_day: TimeOfDay | None = None,
    per_doctor: int | None = None,
) -> list[Slot]:
    """The free slots of the candidates in [start, end), earliest first (not yet ranked among equals).

    `per_doctor`: the first so many of each doctor. For the best n slots, n per doctor is enough: a doctor's
    (n+1)th slot has n earlier ones and can never be among the best n."""
    slots = [
        Slot(c.doctor, c.specialization, c.appointment_type, t, t + c.duration)
        for c in candidates
        for t in free_starts(
            c,
            busy_by_doctor.get(c.doctor.id, ()),
            start=start,
            end=end,
            now=now,
            time_of_day=time_of_day,
            limit=per_doctor,
        )
    ]
    slots.sort(key=lambda s: s.start)
    return slots


def is_bookable(candidate: Candidate, busy: Sequence[Busy], *, start: datetime, now: datetime) -> bool:
    """Would the finder offer exactly this start right now?"""
    found = free_starts(candidate, busy, start=start, end=start + timedelta(microseconds=1), now=now)
    return found == [start]


def scheduled_minutes(doctor: BookableDoctor, now: datetime) -> int:
    """Working minutes of the doctor from now over the next LOAD_DAYS days (the load's denominator)."""
    intervals = doctor.schedule.working_intervals_between(
        now, now + timedelta(days=LOAD_DAYS), doctor.time_off
    )
    return sum(interval.minutes for interval in intervals)


def load_window(now: datetime) -> UtcInterval:
    return UtcInterval(now, now + timedelta(days=LOAD_DAYS))


def rank(
    slots: Sequence[Slot], loads: Mapping[uuid.UUID, DoctorLoad], *, limit: int, subject: str
) -> list[Slot]:
    """The best `limit` slots with their reasons. `subject` names what was searched ("cardiology")."""

    def load(slot: Slot) -> DoctorLoad:
        return loads.get(slot.doctor.id, DoctorLoad())

    def key(slot: Slot) -> tuple[datetime, float, datetime, str]:
        return (slot.start, load(slot).share, load(slot).last_booked_at or _NEVER, str(slot.doctor.id))

    ordered = sorted(slots, key=key)[:limit]
    ranked: list[Slot] = []
    for index, slot in enumerate(ordered):
        group = [s for s in ordered if s.start == slot.start]
        ranked.append(replace(slot, rank_reason=_reason(slot, index, group, load, subject)))
    return ranked


def _reason(
    slot: Slot, index: int, group: Sequence[Slot], load: Callable[[Slot], DoctorLoad], subject: str
) -> str:
    mine = load(slot)
    opening = (
        f"earliest free {subject} slot" if index == 0 else f"next free {subject} slot ({_ordinal(index + 1)})"
    )
    name = slot.doctor.full_name
    if len(group) == 1:
        return f"{opening}; {name} is {mine.percent}% booked this week"
    leader, runner_up = group[0], group[1]
    if slot is leader:
        other = load(runner_up)
        if mine.share < other.share:
            return f"{opening}; {name} is less booked this week ({_vs(mine, other)})"
        return (
            f"{opening}; {name} and {runner_up.doctor.full_name} are equally booked this week "
            f"({mine.percent}%), and {name} was booked less recently"
        )
    lead = load(leader)
    if lead.share < mine.share:
        why = f"who is less booked this week ({_vs(lead, mine)})"
    else:
        why = f"who is as booked this week ({mine.percent}%) but was booked less recently"
    return f"{opening}; same start as {leader.doctor.full_name}, {why}"


def _vs(lower: DoctorLoad, higher: DoctorLoad) -> str:
    """ "31% vs 58%"; with a decimal where whole percents would look equal."""
    if lower.percent < higher.percent:
        return f"{lower.percent}% vs {higher.percent}%"
    return f"{lower.share * 100:.1f}% vs {higher.share * 100:.1f}%"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} earliest"
