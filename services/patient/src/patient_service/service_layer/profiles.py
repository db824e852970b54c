"""Patient profiles: the patient's own, an admin's list of them, and a treating doctor's read.

Whoever may not see a profile is told it does not exist (404), so its existence leaks to nobody."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from hospital_shared.clock import Clock
from hospital_shared.errors import Forbidden, NotFound
from hospital_shared.identity import Identity
from hospital_shared.paging import Page
from patient_service.domain.patient import PatientProfile, profile_from_document
from patient_service.ports import CareRelationships, PatientUnitOfWork


def _may_see(actor: Identity, patient_id: uuid.UUID) -> bool:
    """The patient themself and admins; everyone else is told the profile does not exist."""
    return actor.is_admin or (actor.role == "patient" and actor.user_id == patient_id)


def _check_access(actor: Identity, patient_id: uuid.UUID) -> None:
    if not _may_see(actor, patient_id):
        raise NotFound("No patient profile here.")


def _may_read(actor: Identity, patient_id: uuid.UUID, care: CareRelationships) -> bool:
    """Besides the patient and admins, a doctor who has (or had) an appointment with the patient."""
    if _may_see(actor, patient_id):
        return True
    return actor.role == "doctor" and care.doctor_treats(actor.user_id, patient_id)


def get_profile(
    uow: PatientUnitOfWork, *, patient_id: uuid.UUID, actor: Identity, care: CareRelationships
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
    actor: Identity,
    document: Mapping[str, Any],
    clock: Clock,
) -> tuple[PatientProfile, bool]:
    """Create or replace a patient's profile; returns it and whether it was created."""
    _check_access(actor, patient_id)
    profile = profile_from_document(patient_id, document, today=clock.today_in(UTC))
    with uow:
        created = uow.patients.get(patient_id, for_update=True) is None
        uow.patients.put(profile)
        uow.commit()
        return profile, created


def delete_profile(uow: PatientUnitOfWork, *, patient_id: uuid.UUID, actor: Identity) -> None:
    """Remove a patient's profile."""
    _check_access(actor, patient_id)
    with uow:
        if not uow.patients.delete(patient_id):
            raise NotFound("No patient profile here.")
        uow.commit()


def search_patients(
    uow: PatientUnitOfWork, *, actor: Identity, text: str | None, page: int, page_size: int
) -> Page[PatientProfile]:
    """List patients, optionally matching a name, phone or city (admins)."""
    if actor.role != "admin":
        raise Forbidden("Only admins list patients.")
    with uow:
        return uow.patients.search(text=(text or "").strip() or None, page=page, page_size=page_size)
