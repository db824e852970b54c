"""The demo patient's profile (patient@demo.hospital.test); seeding twice changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from hospital_shared.clock import Clock
from hospital_shared.identity import Identity
from patient_service.service_layer import profiles

DEMO_PATIENT_EMAIL = "patient@demo.hospital.test"
DEMO_PATIENT_ID = uuid.uuid5(uuid.NAMESPACE_URL, f"hospital-demo:{DEMO_PATIENT_EMAIL}")
DEMO_PROFILE = {
    "full_name": "Paula Patient",
    "date_of_birth": "1988-07-14",
    "phone": "+49 30 5550123",
    "preferred_language": "en",
    "address": {"line1": "Invalidenstr. 12", "city": "Berlin", "postal_code": "10115", "country": "DE"},
    "emergency_contact": {"name": "Peter Patient", "phone": "+49 30 5550999", "relationship": "partner"},
}


def seed_demo(uow_factory: Any, *, clock: Clock) -> bool:
    """Create the demo patient's profile unless it exists; returns True when it was created."""
    actor = Identity(user_id=DEMO_PATIENT_ID, role="patient")
    with uow_factory() as uow:
        if uow.patients.get(DEMO_PATIENT_ID) is not None:
            return False
    _, created = profiles.put_profile(
        uow_factory(), patient_id=DEMO_PATIENT_ID, actor=actor, document=DEMO_PROFILE, clock=clock
    )
    return created
