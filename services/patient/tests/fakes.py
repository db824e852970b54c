"""Fakes of Patient-MS's ports for unit tests: profiles kept in a dict, care relationships in a set."""

from __future__ import annotations

import uuid
from typing import Any

import hospital_testing
from hospital_shared.errors import ServiceUnavailable
from hospital_shared.paging import Page
from patient_service.domain.patient import PatientProfile
from patient_service.ports import CareRelationships, PatientRepository, PatientUnitOfWork


class FakePatients(PatientRepository):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, PatientProfile] = {}

    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> PatientProfile | None:
        return self.rows.get(user_id)

    def put(self, profile: PatientProfile) -> None:
        self.rows[profile.user_id] = profile

    def delete(self, user_id: uuid.UUID) -> bool:
        return self.rows.pop(user_id, None) is not None

    def search(self, *, text: str | None, page: int, page_size: int) -> Page[PatientProfile]:
        items = sorted(self.rows.values(), key=lambda p: p.full_name)
        return Page.of(items, page=page, page_size=page_size)


class FakeCareRelationships(CareRelationships):
    """Who treats whom, as (doctor user id, patient id) pairs; `down` plays an unreachable Appointment-MS."""

    def __init__(self, *pairs: tuple[uuid.UUID, uuid.UUID], down: bool = False) -> None:
        self.pairs = set(pairs)
        self.down = down
        self.asked: list[tuple[uuid.UUID, uuid.UUID]] = []

    def doctor_treats(self, doctor_user_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        self.asked.append((doctor_user_id, patient_id))
        if self.down:
            raise ServiceUnavailable("Appointment-MS is down.")
        return (doctor_user_id, patient_id) in self.pairs


class FakeUnitOfWork(hospital_testing.FakeUnitOfWork, PatientUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.patients = FakePatients()

    def snapshot(self) -> Any:
        return dict(self.patients.rows)  # profiles are frozen: a copy of the dict is a copy of the state

    def restore(self, state: Any) -> None:
        self.patients.rows = state
