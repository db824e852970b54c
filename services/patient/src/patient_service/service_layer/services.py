"""Patient-MS's use cases: one function per command."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hospital_shared.errors import Forbidden, NotFound
from hospital_shared.paging import Page
from patient_service.domain.patient import PatientProfile, profile_from_document
from patient_service.ports import CareRelationships, PatientUnitOfWork

Today = Callable[[], date]


def utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    role: str

    def may_see(self, patient_id: uuid.UUID) -> bool:
        """The patient themself and admins; everyone else is told the profile does not exist."""
        return self.role == "admin" or (self.role == "patient" and self.user_id == patient_id)


def _check_access(actor: Actor, patient_id: uuid.UUID) -> None:
    if not actor.may_see(patient_id):
        raise NotFound("No patient profile here.")


def _may_read(actor: Actor, patient_id: uuid.UUID, care: CareRelationships) -> bool:
    """Besides the patient and admins, a doctor who has (or had) an appointment with the patient."""
    if actor.may_see(patient_id):
        return True
    return actor.role == "doctor" and care.doctor_treats(actor.user_id, patient_id)


def get_profile(
    uow: PatientUnitOfWork, *, patient_id: uuid.UUID, actor: Actor, care: CareRelationships
) -> PatientProfile:
    """Read a patient's profile (the patient themself, an admin, or a doctor who treats the patient)."""
    # Asked before the profile is looked up: whether Appointment-MS answers says nothing about the profile.
    if not _may_read(actor, patient_id, care):
        raise NotFound("No patient profile here.")
    with uow:
        profile = uow.patients.get(patient_id)
        if profile is None:
            raise NotFound("No patient profile yet: create it with PUT.")
        return profile


def put_profile(
    uow: PatientUnitOfWork,
    *,
    patient_id: uuid.UUID,
    actor: Actor,
    document: Mapping[str, Any],
    today: Today = utc_today,
) -> tuple[PatientProfile, bool]:
    """Create or replace a patient's profile; returns it and whether it was created."""
    _check_access(actor, patient_id)
    profile = profile_from_document(patient_id, document, today=today())
    with uow:
        created = uow.patients.get(patient_id, for_update=True) is None
        uow.patients.put(profile)
        uow.commit()
        return profile, created


def delete_profile(uow: PatientUnitOfWork, *, patient_id: uuid.UUID, actor: Actor) -> None:
    """Remove a patient's profile."""
    _check_access(actor, patient_id)
    with uow:
        if not uow.patients.delete(patient_id):
            raise NotFound("No patient profile here.")
        uow.commit()


def search_patients(
    uow: PatientUnitOfWork, *, actor: Actor, text: str | None, page: int, page_size: int
) -> Page[PatientProfile]:
    """List patients, optionally matching a name, phone or city (admins)."""
    if actor.role != "admin":
        raise Forbidden("Only admins list patients.")
    with uow:
        return uow.patients.search(text=(text or "").strip() or None, page=page, page_size=page_size)
