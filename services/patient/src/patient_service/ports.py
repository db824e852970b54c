"""What Patient-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid

from hospital_shared.db import UnitOfWork
from hospital_shared.paging import Page
from patient_service.domain.patient import PatientProfile


class PatientRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> PatientProfile | None: ...

    @abc.abstractmethod
    def put(self, profile: PatientProfile) -> None:
        """Insert the profile, or replace the stored one with the same user id."""

    @abc.abstractmethod
    def delete(self, user_id: uuid.UUID) -> bool: ...

    @abc.abstractmethod
    def search(self, *, text: str | None, page: int, page_size: int) -> Page[PatientProfile]: ...


class PatientUnitOfWork(UnitOfWork):
    patients: PatientRepository


class CareRelationships(abc.ABC):
    """Who treats whom, as Appointment-MS knows from its appointments."""

    @abc.abstractmethod
    def doctor_treats(self, doctor_user_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        """True when the doctor has (or had) an appointment with the patient.

        Raises hospital_shared.errors.ServiceUnavailable when that cannot be known right now."""
