"""Translates between appointment rows and domain appointments."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appointment_service.adapters.postgres.models import AppointmentRow
from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.ports import AppointmentRepository, AppointmentUnitOfWork, Page
from hospital_shared.db import SqlAlchemyUnitOfWork


def _to_domain(row: AppointmentRow) -> Appointment:
    return Appointment(
        id=row.id,
        patient_id=row.patient_id,
        doctor_id=row.doctor_id,
        start=row.starts_at,
        end=row.ends_at,
        status=AppointmentStatus(row.status),
        reason=row.reason,
    )


class SqlAppointmentRepository(AppointmentRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, appointment: Appointment) -> None:
        self._session.add(
            AppointmentRow(
                id=appointment.id,
                patient_id=appointment.patient_id,
                doctor_id=appointment.doctor_id,
                starts_at=appointment.start,
                ends_at=appointment.end,
                status=appointment.status.value,
                reason=appointment.reason,
            )
        )

    def for_patient(self, patient_id: uuid.UUID, *, page: int, page_size: int) -> Page:
        condition = AppointmentRow.patient_id == patient_id
        total = self._session.scalar(select(func.count()).select_from(AppointmentRow).where(condition)) or 0
        rows = self._session.scalars(
            select(AppointmentRow)
            .where(condition)
            .order_by(AppointmentRow.starts_at)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return Page(items=[_to_domain(row) for row in rows], page=page, page_size=page_size, total=total)


class SqlAppointmentUnitOfWork(SqlAlchemyUnitOfWork, AppointmentUnitOfWork):
    def _start(self, session: Session) -> None:
        self.appointments = SqlAppointmentRepository(session)
