"""What Appointment-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass

from appointment_service.domain.appointment import Appointment
from hospital_shared.db import UnitOfWork


@dataclass(frozen=True)
class Page:
    items: list[Appointment]
    page: int
    page_size: int
    total: int


class AppointmentRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, appointment: Appointment) -> None: ...

    @abc.abstractmethod
    def for_patient(self, patient_id: uuid.UUID, *, page: int, page_size: int) -> Page: ...


class AppointmentUnitOfWork(UnitOfWork):
    appointments: AppointmentRepository
