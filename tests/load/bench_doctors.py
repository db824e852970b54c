"""The bench hospital's doctors: thousands of them, each as Doctor-MS's own domain object.

Deterministic: doctor number i always has the same ids (uuid5 in BENCH_NAMESPACE, so a rerun recognises the
bench doctors), name, specializations, city, week and booking rules. Only the dates of time off follow the
day the hospital is seeded. Pure Python, no I/O.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from doctor_service.domain.doctor import Doctor, Specialization, new_doctor
from hospital_shared.schedule import TimeOff, TimeOffKind, WeeklySchedule, WorkingWindow

BENCH_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "hospital-bench")


def bench_doctor_id(index: int) -> uuid.UUID:
    return uuid.uuid5(BENCH_NAMESPACE, f"doctor:{index}")


def bench_user_id(index: int) -> uuid.UUID:
    return uuid.uuid5(BENCH_NAMESPACE, f"user:{index}")


def bench_doctor_ids(count: int) -> list[uuid.UUID]:
    return [bench_doctor_id(i) for i in range(count)]


# Twelve specialties of the catalog (migration 0002), weighted like a general hospital's outpatient staff.
SPECIALTIES: dict[str, int] = {
    "general-practice": 18,
    "cardiology": 10,
    "pediatrics": 10,
    "dermatology": 8,
    "orthopedics": 8,
    "obstetrics-gynecology": 8,
    "ophthalmology": 7,
    "neurology": 7,
    "psychiatry": 7,
    "gastroenterology": 6,
    "endocrinology": 6,
    "otolaryngology": 5,
}
# A second specialty some doctors also practise.
ALSO: dict[str, str] = {
    "cardiology": "general-practice",
    "pediatrics": "general-practice",
    "endocrinology": "general-practice",
    "gastroenterology": "endocrinology",
    "neurology": "psychiatry",
    "dermatology": "otolaryngology",
}

CITIES = [
    ("Europe/Berlin", "Berlin", ("Charité Campus Mitte", "Vivantes Friedrichshain"), ("de", "en")),
    ("Europe/London", "London", ("St Thomas' Outpatients", "Royal Free Clinic"), ("en",)),
    ("America/New_York", "New York", ("Midtown Medical Group", "Brooklyn Health"), ("en", "es")),
    ("America/Los_Angeles", "Los Angeles", ("Pacific Health Center", "Westside Clinic"), ("en", "es")),
    ("Asia/Tokyo", "Tokyo", ("Shinjuku Medical Clinic", "Ginza Heart Center"), ("ja", "en")),
    ("Australia/Sydney", "Sydney", ("Harbour Specialists", "Bondi Family Practice"), ("en",)),
    ("Europe/Madrid", "Madrid", ("Clínica Salamanca", "Hospital La Paz Consultas"), ("es", "en")),
    ("America/Chicago", "Chicago", ("Lakeshore Clinic", "Loop Medical"), ("en", "pl")),
    ("Asia/Kolkata", "Mumbai", ("Bandra Care Clinic", "Colaba Health"), ("hi", "en", "mr")),
    ("America/Sao_Paulo", "São Paulo", ("Clínica Paulista", "Hospital Jardins"), ("pt", "es")),
]
EXTRA_LANGUAGES = ("fr", "it", "tr", "ar", "zh", "ko", "ru", "uk", "fil", "yue", "nl", "sv")

FIRST_NAMES = (
    "Olivia", "Lukas", "Sophia", "James", "Yuki", "Liam", "Chloe", "Noah", "Amelia", "Mateo", "Hannah",
    "Ethan", "Aiko", "Isabella", "Benjamin", "Mia", "Lucas", "Grace", "Kenji", "Emily", "Felix", "Ava",
    "Daniel", "Charlotte", "Leon", "Sofia", "Henry", "Ella", "Haruto", "Zoe", "Jonas", "Lily", "Samuel",
    "Nora", "David", "Clara", "Oscar", "Maya", "Elias", "Priya", "Ana", "Tomasz", "Fatima", "Omar",
    "Ingrid", "Rafael", "Mei", "Arjun", "Lea", "Kofi",
)  # fmt: skip
LAST_NAMES = (
    "Bennett", "Hoffmann", "Martinez", "O'Connor", "Tanaka", "Walker", "Dubois", "Fischer", "Clarke",
    "García", "Schulz", "Brooks", "Suzuki", "Rossi", "Lee", "Wagner", "Silva", "Thompson", "Watanabe",
    "Carter", "Neumann", "Robinson", "Kim", "Evans", "Becker", "Lopez", "Wright", "Murphy", "Sato",
    "Mitchell", "Richter", "Anderson", "Cohen", "Lindqvist", "Nguyen", "Moreno", "Hughes", "Patel",
    "Krüger", "Okafor", "Kowalski", "Haddad", "Sharma", "Costa", "Yamamoto", "Novak", "Jensen", "Mensah",
    "Ferreira", "Ivanova",
)  # fmt: skip


def _days(names: str, *windows: tuple[str, str]) -> dict[str, list[dict[str, str]]]:
    return {day: [{"start": s, "end": e} for s, e in windows] for day in names.split()}


WEEKDAYS = "monday tuesday wednesday thursday friday"
# Local working weeks, before each doctor's personal shift of the start (see _shifted).
WEEKS: dict[str, dict[str, list[dict[str, str]]]] = {
    "full-time": _days(WEEKDAYS, ("08:00", "12:00"), ("13:00", "17:00")),
    "mornings": _days(WEEKDAYS + " saturday", ("07:30", "13:00")),
    "split-lunch": {
        **_days("monday tuesday wednesday thursday", ("09:00", "12:30"), ("14:00", "18:30")),
        **_days("friday", ("09:00", "14:00")),
    },
    "part-time": {**_days("tuesday thursday", ("08:30", "17:30")), **_days("friday", ("08:30", "12:30"))},
    "late": {
        **_days("monday tuesday wednesday friday", ("12:00", "20:00")),
        **_days("saturday", ("09:00", "14:00")),
    },
    "long-days": _days("monday tuesday thursday", ("07:00", "12:00"), ("12:30", "19:00")),
}
WEEK_WEIGHTS = dict(zip(WEEKS, (30, 15, 20, 12, 13, 10), strict=True))
SLOT_STEPS = (10, 15, 15, 20, 30)
BUFFERS = (0, 0, 5, 5, 10)


@dataclass(frozen=True)
class Catalog:
    """The specialization catalog as Doctor-MS holds it (read from its database)."""

    by_slug: Mapping[str, Specialization]

    def __post_init__(self) -> None:
        missing = [slug for slug in SPECIALTIES if slug not in self.by_slug]
        if missing:
            raise ValueError(f"Doctor-MS's catalog lacks the bench specializations {missing}")


def _round_up(minutes: int, step: int) -> int:
    return max(step, -(-minutes // step) * step)


def _shifted(week: Mapping[str, list[dict[str, str]]], minutes: int) -> dict[str, list[dict[str, str]]]:
    """The same week starting `minutes` later (or earlier), every window moved alike."""

    def move(clock: str) -> str:
        total = int(clock[:2]) * 60 + int(clock[3:]) + minutes
        return f"{total // 60:02d}:{total % 60:02d}"

    return {day: [{"start": move(w["start"]), "end": move(w["end"])} for w in ws] for day, ws in week.items()}


def _appointment_types(specs: Sequence[Specialization], step: int, rng: random.Random) -> list[dict]:
    """One consultation per specialty (its usual length fitted to the step), a follow-up, sometimes more."""

    def kind(code: str, name: str, minutes: int) -> dict:
        return {"code": code, "name": name, "duration_minutes": _round_up(minutes, step)}

    types = [kind(s.slug, f"{s.name} consultation", s.default_duration_minutes) for s in specs]
    types.append(kind("follow-up", "Follow-up visit", 15))
    if rng.random() < 0.4:
        types.append(kind("first-visit", "First visit", max(t["duration_minutes"] for t in types) + 15))
    return types


def _schedule(rng: random.Random, zone: str, specs: Sequence[Specialization]) -> WeeklySchedule:
    week_name = rng.choices(list(WEEK_WEIGHTS), weights=list(WEEK_WEIGHTS.values()))[0]
    step = rng.choice(SLOT_STEPS)
    document = {
        "time_zone": zone,
        "slot_step_minutes": step,
        "buffer_minutes": rng.choice(BUFFERS),
        "minimum_notice_minutes": rng.choice((0, 60, 60, 120, 24 * 60)),
        "booking_horizon_days": rng.choice((45, 60, 90, 90, 180)),
        "weekly": _shifted(WEEKS[week_name], rng.choice((-30, 0, 0, 0, 30, 60))),
        "appointment_types": _appointment_types(specs, step, rng),
    }
    return WeeklySchedule.from_document(document)


def _time_off(rng: random.Random, doctor_id: uuid.UUID, today: date) -> list[TimeOff]:
    """A holiday for some, an afternoon off or a day of other hours for others, within the coming month."""
    entries: list[TimeOff] = []
    roll = rng.random()
    if roll < 0.15:
        start = today + timedelta(days=rng.randrange(2, 26))
        entries.append(
            TimeOff(uuid.uuid5(doctor_id, "holiday"), TimeOffKind.TIME_OFF, start,
                    start + timedelta(days=rng.randrange(2, 8)), None, "Annual leave")
        )  # fmt: skip
    elif roll < 0.25:
        day = today + timedelta(days=rng.randrange(1, 29))
        entries.append(
            TimeOff(uuid.uuid5(doctor_id, "afternoon"), TimeOffKind.TIME_OFF, day, day,
                    WorkingWindow(13 * 60, 24 * 60), "Conference")
        )  # fmt: skip
    elif roll < 0.30:
        day = today + timedelta(days=rng.randrange(1, 29))
        entries.append(
            TimeOff(uuid.uuid5(doctor_id, "custom"), TimeOffKind.CUSTOM_HOURS, day, day,
                    WorkingWindow(10 * 60, 14 * 60), "Ward duty in the morning")
        )  # fmt: skip
    return entries


def _languages(rng: random.Random, local: Sequence[str]) -> list[str]:
    languages = list(local)
    if rng.random() < 0.3:
        languages.append(rng.choice(EXTRA_LANGUAGES))
    return list(dict.fromkeys(languages))


def bench_doctor(index: int, catalog: Catalog, *, today: date) -> Doctor:
    """Bench doctor number `index`, built by Doctor-MS's own domain rules (validated profile and schedule)."""
    rng = random.Random(f"hospital-bench:{index}")
    doctor_id = bench_doctor_id(index)
    primary = rng.choices(list(SPECIALTIES), weights=list(SPECIALTIES.values()))[0]
    slugs = [primary]
    if primary in ALSO and rng.random() < 0.3:
        slugs.append(ALSO[primary])
    zone, city, clinics, local_languages = CITIES[index % len(CITIES)]
    clinic = rng.choice(clinics)
    name = f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    specialties = " and ".join(catalog.by_slug[s].name.lower() for s in slugs)
    profile = {
        "full_name": name,
        "specializations": slugs,
        "time_zone": zone,
        "bio": f"{name} practises {specialties} at {clinic}, {city}.",
        "languages": _languages(rng, local_languages),
        "clinic": clinic,
        "location": city,
        "accepting_new_patients": rng.random() < 0.95,
    }
    doctor = new_doctor(
        doctor_id=doctor_id, user_id=bench_user_id(index), profile=profile, catalog=catalog.by_slug
    )
    specs = [catalog.by_slug[s] for s in doctor.specializations]
    # A doctor created with a schedule and time off in one go: still the first version of the aggregate.
    return replace(doctor, schedule=_schedule(rng, zone, specs), time_off=_time_off(rng, doctor_id, today))
