"""The specialization catalog: read by everyone, added to by migrations and the demo."""

from __future__ import annotations

from doctor_service.domain.doctor import Specialization
from doctor_service.ports import DoctorUnitOfWork
from doctor_service.service_layer.doctor_changes import commit_change


def list_specializations(uow: DoctorUnitOfWork) -> list[Specialization]:
    """The specialization catalog, by name."""
    with uow:
        return sorted(uow.specializations.all(), key=lambda s: s.name)


def get_catalog(uow: DoctorUnitOfWork) -> dict[str, Specialization]:
    """The specialization catalog by slug (to name a doctor's specializations)."""
    with uow:
        return uow.catalog()


def ensure_specializations(uow: DoctorUnitOfWork, *, specializations: list[Specialization]) -> int:
    """Add the catalog entries that are missing; returns how many were added."""
    with uow:
        known = {s.slug for s in uow.specializations.all()}  # the table itself, never a kept copy
        missing = [s for s in specializations if s.slug not in known]
        for specialization in missing:
            uow.specializations.add(specialization)
        commit_change(uow)
        return len(missing)
