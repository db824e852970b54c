"""The demo hospital's doctors: 40 doctors in several time zones with realistic weeks.

Everything goes through the use cases, so each seeded doctor also leaves its events in the outbox and
Appointment-MS's projection sees them. Seeding twice changes nothing: doctors are keyed by user id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from doctor_service.ports import DoctorUnitOfWork
from doctor_service.service_layer.profiles import create_doctor
from doctor_service.service_layer.schedules import replace_schedule
from hospital_shared.clock import Clock
from hospital_shared.identity import Identity

DEMO_DOCTOR_EMAIL = "doctor@demo.hospital.test"
SEED_ACTOR = Identity(user_id=uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:seed"), role="admin")


def demo_user_id(email: str) -> uuid.UUID:
    """The Auth-MS user id of a demo account (Auth-MS derives the same id)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"hospital-demo:{email}")


def _days(names: str, *windows: tuple[str, str]) -> dict[str, list[dict[str, str]]]:
    return {day: [{"start": s, "end": e} for s, e in windows] for day in names.split()}


WEEKDAYS = "monday tuesday wednesday thursday friday"
WEEKS: dict[str, dict[str, list[dict[str, str]]]] = {
    "full-time": _days(WEEKDAYS, ("08:00", "12:00"), ("13:00", "17:00")),
    "mornings": _days(WEEKDAYS, ("07:30", "13:00")),
    "late": {**_days("monday wednesday friday", ("12:00", "20:00")), **_days("saturday", ("09:00", "13:00"))},
    "part-time": _days("tuesday thursday", ("09:00", "17:00")),
    "split": {
        **_days("monday tuesday wednesday thursday", ("09:00", "12:30"), ("14:00", "18:00")),
        **_days("friday", ("09:00", "13:00")),
    },
}

CITIES = [
    ("Europe/Berlin", "Berlin", "Charité Campus Mitte", ["de", "en"]),
    ("Europe/London", "London", "St Thomas' Outpatients", ["en"]),
    ("America/New_York", "New York", "Midtown Medical Group", ["en", "es"]),
    ("America/Chicago", "Chicago", "Lakeshore Clinic", ["en"]),
    ("America/Los_Angeles", "Los Angeles", "Pacific Health Center", ["en", "es"]),
    ("Asia/Tokyo", "Tokyo", "Shinjuku Medical Clinic", ["ja", "en"]),
    ("Australia/Sydney", "Sydney", "Harbour Specialists", ["en"]),
    ("Europe/Madrid", "Madrid", "Clínica Salamanca", ["es", "en"]),
]

NAMES = [
    "Olivia Bennett",
    "Lukas Hoffmann",
    "Sophia Martinez",
    "James O'Connor",
    "Yuki Tanaka",
    "Liam Walker",
    "Chloe Dubois",
    "Noah Fischer",
    "Amelia Clarke",
    "Mateo García",
    "Hannah Schulz",
    "Ethan Brooks",
    "Aiko Suzuki",
    "Isabella Rossi",
    "Benjamin Lee",
    "Mia Wagner",
    "Lucas Silva",
    "Grace Thompson",
    "Kenji Watanabe",
    "Emily Carter",
    "Felix Neumann",
    "Ava Robinson",
    "Daniel Kim",
    "Charlotte Evans",
    "Leon Becker",
    "Sofia Lopez",
    "Henry Wright",
    "Ella Murphy",
    "Haruto Sato",
    "Zoe Mitchell",
    "Jonas Richter",
    "Lily Anderson",
    "Samuel Cohen",
    "Nora Lindqvist",
    "David Nguyen",
    "Clara Moreno",
    "Oscar Hughes",
    "Maya Patel",
    "Elias Krüger",
]

SPECIALTIES = [
    ["cardiology"],
    ["general-practice"],
    ["dermatology"],
    ["cardiology", "pulmonology"],
    ["pediatrics"],
    ["orthopedics"],
    ["neurology"],
    ["obstetrics-gynecology"],
    ["ophthalmology"],
    ["psychiatry"],
    ["endocrinology"],
    ["gastroenterology"],
    ["otolaryngology"],
    ["urology"],
    ["oncology"],
    ["rheumatology"],
    ["nephrology"],
    ["allergy-immunology"],
    ["cardiology"],
    ["general-practice", "pediatrics"],
]


@dataclass(frozen=True)
class DemoDoctor:
    email: str
    full_name: str
    specializations: list[str]
    time_zone: str
    city: str
    clinic: str
    languages: list[str]
    week: str
    buffer_minutes: int


def demo_doctors() -> list[DemoDoctor]:
    """The demo doctor (doctor@demo.hospital.test, in Berlin) and 39 colleagues around the world."""
    doctors = [
        DemoDoctor(
            DEMO_DOCTOR_EMAIL,
            "Dr. Emma Fischer",
            ["cardiology", "general-practice"],
            "Europe/Berlin",
            "Berlin",
            "Charité Campus Mitte",
            ["de", "en"],
            "full-time",
            5,
        )
    ]
    week_names = list(WEEKS)
    for index, name in enumerate(NAMES, start=1):
        zone, city, clinic, languages = CITIES[index % len(CITIES)]
        doctors.append(
            DemoDoctor(
                email=f"doctor{index:02d}@demo.hospital.test",
                full_name=f"Dr. {name}",
                specializations=SPECIALTIES[index % len(SPECIALTIES)],
                time_zone=zone,
                city=city,
                clinic=clinic,
                languages=languages,
                week=week_names[index % len(week_names)],
                buffer_minutes=(0, 5, 10)[index % 3],
            )
        )
    return doctors


def _profile(doctor: DemoDoctor) -> dict[str, Any]:
    specialties = " and ".join(s.replace("-", " ") for s in doctor.specializations)
    return {
        "full_name": doctor.full_name,
        "specializations": doctor.specializations,
        "time_zone": doctor.time_zone,
        "bio": f"{doctor.full_name} practises {specialties} at {doctor.clinic}, {doctor.city}.",
        "languages": doctor.languages,
        "clinic": doctor.clinic,
        "location": doctor.city,
        "accepting_new_patients": True,
    }


def _schedule(doctor: DemoDoctor) -> dict[str, Any]:
    return {
        "time_zone": doctor.time_zone,
        "slot_step_minutes": 15,
        "buffer_minutes": doctor.buffer_minutes,
        "minimum_notice_minutes": 60,
        "booking_horizon_days": 90,
        "weekly": WEEKS[doctor.week],
        "appointment_types": [],  # one per specialization, with its default duration
    }


def seed_demo(uow_factory: Any, *, clock: Clock) -> tuple[int, int]:
    """Create the demo doctors that do not exist yet; returns (created, already there)."""
    created = existing = 0
    for doctor in demo_doctors():
        user_id = demo_user_id(doctor.email)
        uow: DoctorUnitOfWork = uow_factory()
        with uow:
            known = uow.doctors.get_by_user(user_id) is not None
        if known:
            existing += 1
            continue
        profile_id = uuid.uuid5(uuid.NAMESPACE_URL, f"hospital-demo:doctor-profile:{doctor.email}")
        new = create_doctor(
            uow_factory(),
            user_id=user_id,
            profile=_profile(doctor),
            doctor_id=profile_id,
            accounts=None,
            clock=clock,
        )
        replace_schedule(
            uow_factory(),
            doctor_id=new.id,
            actor=SEED_ACTOR,
            document=_schedule(doctor),
            if_match=new.schedule_etag,
            clock=clock,
        )
        created += 1
    return created, existing
