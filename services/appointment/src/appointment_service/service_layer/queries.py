"""Read-side use cases: what a caller may see of the appointments."""

from __future__ import annotations

import uuid

from appointment_service.ports import AppointmentUnitOfWork, Page

MAX_PAGE_SIZE = 100


def list_patient_appointments(
    patient_id: uuid.UUID, *, uow: AppointmentUnitOfWork, page: int, page_size: int
) -> Page:
    """A patient's own appointments, soonest first."""
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    with uow:
        return uow.appointments.for_patient(patient_id, page=max(page, 1), page_size=page_size)
