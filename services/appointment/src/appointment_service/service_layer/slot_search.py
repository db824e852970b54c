"""Finding free slots: the best starts of a specialization or of one doctor, cached until something changes.

The answer is cached as its JSON document per scope (the specialization or the doctor) and request; every
booking, hold, cancellation and doctor event bumps the scope's generation, so no replica serves a slot that
was just taken. On a miss the finder reads PostgreSQL (the truth), one growing stretch of time after another,
and stops as soon as the answer is certain: no later stretch can hold an earlier slot.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.slots import (
    Candidate,
    DoctorLoad,
    Exclusion,
    Slot,
    SlotRequest,
    TimeOfDay,
    candidates_for,
    free_slots,
    load_window,
    rank,
    scheduled_minutes,
)
from appointment_service.ports import AppointmentUnitOfWork, SlotCache
from hospital_shared.clock import Clock
from hospital_shared.errors import NotFound, ValidationFailed
from hospital_shared.identity import Identity

MAX_WINDOW_DAYS = 90
MAX_HORIZON_DAYS = 366
FIRST_STRETCH = timedelta(hours=3)


@dataclass(frozen=True)
class SlotSearch:
    """A search as the caller gave it; `start`/`end` None mean now and the end of the booking horizon."""

    limit: int
    specialization: str | None = None
    doctor_id: uuid.UUID | None = None
    start: datetime | None = None
    end: datetime | None = None
    duration_minutes: int | None = None
    appointment_type: str | None = None
    time_of_day: str | None = None
    language: str | None = None

    def cache_key(self, viewer: Identity | None) -> str:
        fields = {k: (str(v) if v is not None else None) for k, v in self.__dict__.items()}
        if viewer is not None and viewer.role == "patient":
            fields["patient"] = str(viewer.user_id)  # doctors not accepting new patients depend on who asks
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]

    @property
    def scope(self) -> str:
        return f"doctor:{self.doctor_id}" if self.doctor_id else f"spec:{self.specialization}"


def slot_document(slot: Slot) -> dict[str, Any]:
    zone = slot.doctor.schedule.zone
    return {
        "doctor_id": str(slot.doctor.id),
        "doctor_name": slot.doctor.full_name,
        "specialization": slot.specialization.slug if slot.specialization else None,
        "start": slot.start.isoformat().replace("+00:00", "Z"),
        "end": slot.end.isoformat().replace("+00:00", "Z"),
        "doctor_time_zone": slot.doctor.schedule.time_zone,
        "doctor_local_start": slot.start.astimezone(zone).isoformat(),
        "duration_minutes": slot.duration_minutes,
        "appointment_type": slot.appointment_type.code,
        "appointment_type_name": slot.appointment_type.name,
        "languages": list(slot.doctor.languages),
        "clinic": slot.doctor.clinic,
        "location": slot.doctor.location,
        "rank_reason": slot.rank_reason,
    }


def find_slots(
    uow: AppointmentUnitOfWork,
    *,
    search: SlotSearch,
    viewer: Identity | None,
    cache: SlotCache,
    clock: Clock,
    cache_seconds: int,
) -> bytes:
    """The best free slots as the one list document of the API, from the cache when it is current.

    The finder stops at `limit` (one page, best first; a later `from` asks for the next ones), so the
    answer is page 1 of `limit` and `total` counts what it holds.
    """
    return _answer(
        search, viewer=viewer, uow=uow, cache=cache, clock=clock, cache_seconds=cache_seconds,
        render=lambda slots: {
            "items": [slot_document(s) for s in slots], "page": 1, "page_size": search.limit,
            "total": len(slots),
        },
    )  # fmt: skip


def next_slot(
    uow: AppointmentUnitOfWork,
    *,
    search: SlotSearch,
    viewer: Identity | None,
    cache: SlotCache,
    clock: Clock,
    cache_seconds: int,
) -> bytes:
    """The single best slot as a JSON document; 404 when there is none within the booking horizon."""
    body = _answer(
        replace(search, limit=1), viewer=viewer, uow=uow, cache=cache, clock=clock,
        cache_seconds=cache_seconds, render=lambda slots: slot_document(slots[0]) if slots else {},
        kind="next",
    )  # fmt: skip
    if body == b"{}":
        raise NotFound("No free slot within the booking horizon for this search.")
    return body


def _answer(
    search: SlotSearch,
    *,
    viewer: Identity | None,
    uow: AppointmentUnitOfWork,
    cache: SlotCache,
    clock: Clock,
    cache_seconds: int,
    render: Callable[[list[Slot]], dict[str, Any]],
    kind: str = "list",
) -> bytes:
    """The rendered answer of a search: cached under the search's scope until anything in it changes."""
    _check(search)
    key = f"{kind}:{search.cache_key(viewer)}"
    generation, cached = cache.get(search.scope, key)
    if cached is not None:
        return cached
    with cache.computing(search.scope, key):
        generation, cached = cache.get(search.scope, key)  # another thread may just have computed it
        if cached is not None:
            return cached
        now = clock.now()
        slots = _search(search, viewer=viewer, uow=uow, now=now)
        body = json.dumps(render(slots), separators=(",", ":")).encode()
        cache.put(search.scope, generation, key, body, ttl_seconds=_fresh_for(slots, now, cache_seconds))
    return body


def _check(search: SlotSearch) -> None:
    if not search.specialization and not search.doctor_id:
        raise ValidationFailed(
            "Say what to search for.", errors={"specialization": ["Give a specialization or a doctor_id."]}
        )
    if search.start and search.end:
        if search.end <= search.start:
            raise ValidationFailed("`to` must be after `from`.", errors={"to": ["Must be after `from`."]})
        if search.end - search.start > timedelta(days=MAX_WINDOW_DAYS):
            raise ValidationFailed(
                f"A search window spans at most {MAX_WINDOW_DAYS} days.",
                errors={"to": [f"Must be at most {MAX_WINDOW_DAYS} days after `from`."]},
            )


def _fresh_for(slots: Sequence[Slot], now: datetime, cap: int) -> int:
    """Seconds until the answer could go stale by the clock alone (its first slot passing the notice)."""
    seconds = cap
    for slot in slots:
        notice = timedelta(minutes=slot.doctor.schedule.minimum_notice_minutes)
        seconds = min(seconds, int((slot.start - notice - now).total_seconds()))
    return max(seconds, 0)


def _doctors(search: SlotSearch, uow: AppointmentUnitOfWork) -> list[BookableDoctor]:
    if search.doctor_id is not None:
        doctor = uow.doctors.get(search.doctor_id)
        if doctor is None:
            raise ValidationFailed(
                "No such doctor.", errors={"doctor_id": ["No bookable doctor has this id."]}
            )
        if search.specialization and doctor.specialization(search.specialization) is None:
            raise ValidationFailed(
                "This doctor does not practise that specialization.",
                errors={"specialization": [f"Not a specialization of {doctor.full_name}."]},
            )
        return [doctor]
    assert search.specialization is not None
    doctors = uow.doctors.with_specialization(search.specialization)
    if not doctors and search.specialization not in uow.doctors.known_specializations():
        raise ValidationFailed(
            f"Unknown specialization {search.specialization!r}.",
            errors={"specialization": [f"Unknown specialization {search.specialization!r}."]},
        )
    return doctors


def _candidates(
    search: SlotSearch, request: SlotRequest, doctors: list[BookableDoctor], viewer: Identity | None,
    uow: AppointmentUnitOfWork,
) -> list[Candidate]:  # fmt: skip
    chosen, excluded = candidates_for(request, doctors, known_doctor_ids=None)
    if Exclusion.NOT_ACCEPTING in excluded and viewer is not None and viewer.role == "patient":
        known = uow.appointments.doctors_seen_by(viewer.user_id)
        chosen, excluded = candidates_for(request, doctors, known_doctor_ids=known)
    if not chosen and doctors and Exclusion.VISIT_NOT_OFFERED in excluded:
        field = "appointment_type" if search.appointment_type else "duration_minutes"
        asked = search.appointment_type or f"{search.duration_minutes} minutes"
        raise ValidationFailed(
            f"No doctor of this search offers {asked}.",
            errors={field: [f"Not offered by the doctors of this search: {asked}."]},
        )
    return chosen


def _search(
    search: SlotSearch, *, viewer: Identity | None, uow: AppointmentUnitOfWork, now: datetime
) -> list[Slot]:
    with uow:
        doctors = _doctors(search, uow)
        start = max(search.start or now, now)
        horizon = max((d.schedule.bookable_range(now).end for d in doctors), default=start)
        end = min(search.end or horizon, horizon, now + timedelta(days=MAX_HORIZON_DAYS))
        request = SlotRequest(
            start=start, end=end, limit=search.limit, specialization=search.specialization,
            doctor_id=search.doctor_id, duration_minutes=search.duration_minutes,
            appointment_type=search.appointment_type, language=search.language,
            time_of_day=TimeOfDay(search.time_of_day) if search.time_of_day else None,
        )  # fmt: skip
        candidates = _candidates(search, request, doctors, viewer, uow)
        found = _earliest(candidates, request, uow=uow, now=now)
        loads = _loads(found, uow=uow, now=now)
    subject = _subject(search, doctors)
    return rank(found, loads, limit=search.limit, subject=subject)


def _earliest(
    candidates: list[Candidate], request: SlotRequest, *, uow: AppointmentUnitOfWork, now: datetime
) -> list[Slot]:
    """Slots stretch by stretch (3 hours, then 6, 12, ...) until `limit` are found or the window ends."""
    if not candidates:
        return []
    ids = [c.doctor.id for c in candidates]
    reach = max(c.duration + timedelta(minutes=c.doctor.schedule.buffer_minutes) for c in candidates)
    found: list[Slot] = []
    stretch_start, stretch = request.start, FIRST_STRETCH
    while stretch_start < request.end and len(found) < request.limit:
        stretch_end = min(request.end, stretch_start + stretch)
        busy = uow.appointments.busy(ids, start=stretch_start, end=stretch_end + reach, now=now)
        found += free_slots(
            candidates, busy, start=stretch_start, end=stretch_end, now=now,
            time_of_day=request.time_of_day, per_doctor=request.limit - len(found),
        )  # fmt: skip
        stretch_start, stretch = stretch_end, stretch * 2
    if len(found) > request.limit:
        cutoff = found[request.limit - 1].start  # keep every doctor free at the last start: ties are ranked
        found = [s for s in found if s.start <= cutoff]
    return found


def _loads(slots: list[Slot], *, uow: AppointmentUnitOfWork, now: datetime) -> dict[uuid.UUID, DoctorLoad]:
    doctors = {s.doctor.id: s.doctor for s in slots}
    if not doctors:
        return {}
    week = load_window(now)
    booked = uow.appointments.loads(list(doctors), start=week.start, end=week.end, now=now)
    return {
        doctor_id: replace(
            booked.get(doctor_id, DoctorLoad()), scheduled_minutes=scheduled_minutes(doctor, now)
        )
        for doctor_id, doctor in doctors.items()
    }


def _subject(search: SlotSearch, doctors: list[BookableDoctor]) -> str:
    if search.specialization:
        for doctor in doctors:
            info = doctor.specialization(search.specialization)
            if info is not None:
                return info.name.lower()
        return search.specialization
    first = doctors[0].specialization(None) if doctors else None
    return first.name.lower() if first else "appointment"
