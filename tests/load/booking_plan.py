"""What the booking run sends: signed-in patients, and free slots that can all be booked at once.

Before wrk starts, the free slots of many doctors are read from the slot finder (GET /api/v1/slots with
doctor_id), thinned so no two of one doctor's chosen slots overlap (with the doctor's buffer), and handed
to patients so no patient gets two overlapping slots. Every line of the plan file then books a different
free slot, so a 409 in the run is a real conflict, not the plan's fault.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.browser import BrowserSession

PATIENT_PASSWORD = "bench-password-1"


@dataclass(frozen=True)
class Patient:
    email: str
    cookie_header: str
    csrf_token: str


@dataclass(frozen=True)
class FreeSlot:
    doctor_id: str
    start: datetime
    end: datetime
    appointment_type: str | None

    def body(self) -> dict[str, Any]:
        chosen: dict[str, Any] = (
            {"appointment_type": self.appointment_type}
            if self.appointment_type
            else {"duration_minutes": int((self.end - self.start).total_seconds() // 60)}
        )
        return {"doctor_id": self.doctor_id, "start": _iso(self.start), **chosen, "reason": "bench"}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def register_patients(base_url: str, count: int, *, run: str, workers: int = 4) -> list[Patient]:
    """`count` new patient accounts, each signed in (registering signs in); bcrypt makes this slow."""

    def one(index: int) -> Patient:
        email = f"bench-{run}-{index}@bench.hospital.test"
        browser = BrowserSession(base_url).register(email, PATIENT_PASSWORD, "Bench Patient")
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies)
        return Patient(email, cookies, browser.csrf_token)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(count)))


def _slot_from(item: dict[str, Any], doctor_id: str) -> FreeSlot:
    start = _parse(item["start"])
    end = _parse(item["end"]) if item.get("end") else start + timedelta(minutes=item["duration_minutes"])
    kind = item.get("appointment_type")
    code = kind.get("code") if isinstance(kind, dict) else kind
    return FreeSlot(str(item.get("doctor_id") or doctor_id), start, end, code)


def doctor_free_slots(
    browser: BrowserSession, doctor_id: str, *, start: datetime, end: datetime
) -> list[FreeSlot]:
    """Up to 100 free slots of one doctor, thinned so that all of them can be booked together."""
    schedule = browser.get(f"/api/v1/doctors/{doctor_id}/schedule")
    buffer = timedelta(minutes=int(schedule.json().get("buffer_minutes", 0)) if schedule.ok else 0)
    answer = browser.get(
        "/api/v1/slots",
        params={"doctor_id": doctor_id, "from": _iso(start), "to": _iso(end), "limit": 100},
    )
    if answer.status_code != 200:
        return []
    chosen: list[FreeSlot] = []
    for slot in sorted(
        (_slot_from(i, doctor_id) for i in answer.json().get("items", [])), key=lambda s: s.start
    ):
        if not chosen or slot.start >= chosen[-1].end + buffer:
            chosen.append(slot)
    return chosen


def collect_free_slots(
    base_url: str, doctor_ids: Sequence[str], *, needed: int, start: datetime, end: datetime, workers: int = 8
) -> list[FreeSlot]:
    """Free slots of the given doctors, in batches, until at least `needed` (or the doctors run out)."""
    slots: list[FreeSlot] = []
    browsers = [BrowserSession(base_url) for _ in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        for first in range(0, len(doctor_ids), workers * 4):
            batch = doctor_ids[first : first + workers * 4]
            found = pool.map(
                lambda pair: doctor_free_slots(browsers[pair[0] % workers], pair[1], start=start, end=end),
                enumerate(batch),
            )
            for doctor_slots in found:
                slots.extend(doctor_slots)
            if len(slots) >= needed:
                break
    return slots


@dataclass
class PatientCalendar:
    """The time ranges one patient already holds (sorted), so a new slot never overlaps them."""

    patient: Patient
    ranges: list[tuple[datetime, datetime]] = field(default_factory=list)

    def fits(self, start: datetime, end: datetime) -> bool:
        at = bisect.bisect_left(self.ranges, (start, start))
        before_ok = at == 0 or self.ranges[at - 1][1] <= start
        after_ok = at == len(self.ranges) or end <= self.ranges[at][0]
        return before_ok and after_ok

    def add(self, start: datetime, end: datetime) -> None:
        bisect.insort(self.ranges, (start, end))


def assign(slots: Iterable[FreeSlot], calendars: Sequence[PatientCalendar]) -> list[tuple[Patient, FreeSlot]]:
    """Each slot to a patient it does not clash with, round-robin so every patient books alike."""
    plan: list[tuple[Patient, FreeSlot]] = []
    turn = 0
    for slot in sorted(slots, key=lambda s: s.start):
        for attempt in range(len(calendars)):
            calendar = calendars[(turn + attempt) % len(calendars)]
            if calendar.fits(slot.start, slot.end):
                calendar.add(slot.start, slot.end)
                plan.append((calendar.patient, slot))
                turn += attempt + 1
                break
    random.Random(0).shuffle(plan)  # doctors and patients interleaved in the file, as real traffic would be
    return plan


def write_plan(path: Path, plan: Sequence[tuple[Patient, FreeSlot]]) -> None:
    """One booking per line for tests/load/wrk/book.lua: Cookie header, CSRF token, JSON body."""
    with path.open("w") as out:
        for patient, slot in plan:
            body = json.dumps(slot.body(), separators=(",", ":"))
            out.write(f"{patient.cookie_header}\t{patient.csrf_token}\t{body}\n")
