"""What a caller may see of the appointments: a patient their own, a doctor their agenda, an admin any,
an integration those of the patients its API key registered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from appointment_service.domain.appointment import Appointment
from appointment_service.ports import AppointmentFilter, AppointmentUnitOfWork, PatientAccounts
from appointment_service.service_layer.booking import visible_appointment
from appointment_service.service_layer.integrations import acting_for, listed_patient
from hospital_shared.clock import Clock
from hospital_shared.identity import Identity
from hospital_shared.paging import Page

MAX_PAGE_SIZE = 100
LISTED_STATUSES = ("held", "booked", "cancelled", "completed", "rescheduled")


@dataclass(frozen=True)
class AppointmentQuery:
    scope: str = "all"  # upcoming | past | all
    start: datetime | None = None
    end: datetime | None = None
    doctor_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    status: str | None = None
    updated_since: datetime | None = None
    page: int = 1
    page_size: int = 20


def list_appointments(
    uow: AppointmentUnitOfWork, *, query: AppointmentQuery, actor: Identity, clock: Clock,
    accounts: PatientAccounts | None = None,
) -> Page[Appointment]:  # fmt: skip
    """A patient's own appointments, a doctor's agenda, (admins) any doctor's or patient's, or (an
    integration) those of one patient its key registered."""
    integration_patient = listed_patient(actor, query.patient_id, accounts=accounts)
    now = clock.now()
    page_size = min(max(query.page_size, 1), MAX_PAGE_SIZE)
    with uow:
        where = _scoped(query, actor, uow, now, integration_patient=integration_patient)
        if where is None:
            return Page(items=[], page=max(query.page, 1), page_size=page_size, total=0)
        return uow.appointments.list(where, page=max(query.page, 1), page_size=page_size)


def get_appointment(
    uow: AppointmentUnitOfWork, *, appointment_id: uuid.UUID, actor: Identity,
    accounts: PatientAccounts | None = None,
) -> Appointment:  # fmt: skip
    """One appointment, for its patient, its doctor, an admin or an integration acting for its patient
    (404 for everyone else)."""
    patient_id = acting_for(uow, appointment_id=appointment_id, actor=actor, accounts=accounts)
    with uow:
        return visible_appointment(
            uow, appointment_id=appointment_id, actor=actor, acting_for_patient=patient_id
        )


def doctor_treats_patient(
    uow: AppointmentUnitOfWork, *, doctor_user_id: uuid.UUID, patient_id: uuid.UUID
) -> bool:
    """Does the doctor with this account have (or had) an appointment with the patient?"""
    with uow:
        doctor = uow.doctors.by_user(doctor_user_id)
        return doctor is not None and uow.appointments.has_relationship(
            doctor_id=doctor.id, patient_id=patient_id
        )


def _scoped(
    query: AppointmentQuery, actor: Identity, uow: AppointmentUnitOfWork, now: datetime,
    *, integration_patient: uuid.UUID | None,
) -> AppointmentFilter | None:  # fmt: skip
    patient_id, doctor_id = query.patient_id, query.doctor_id
    if actor.is_integration:
        if integration_patient is None:
            return None
        patient_id = integration_patient
    elif actor.role == "patient":
        patient_id = actor.user_id
    elif actor.role == "doctor":
        doctor = uow.doctors.by_user(actor.user_id)
        if doctor is None or (doctor_id is not None and doctor_id != doctor.id):
            return None
        doctor_id = doctor.id
    start, end, newest_first = query.start, query.end, False
    if query.scope == "upcoming":
        start = max(start or now, now)
    elif query.scope == "past":
        end, newest_first = min(end or now, now), True
    statuses = (query.status,) if query.status else LISTED_STATUSES
    return AppointmentFilter(
        patient_id=patient_id, doctor_id=doctor_id, start=start, end=end, statuses=statuses,
        newest_first=newest_first, updated_since=query.updated_since,
    )  # fmt: skip
