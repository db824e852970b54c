"""What Doctor-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass

from doctor_service.domain.doctor import Doctor, DoctorListing, Specialization
from doctor_service.domain.events import DoctorEvent
from hospital_shared.db import UnitOfWork


@dataclass(frozen=True)
class DoctorPage:
    items: list[DoctorListing]
    page: int
    page_size: int
    total: int


class SpecializationRepository(abc.ABC):
    @abc.abstractmethod
    def all(self) -> list[Specialization]: ...

    @abc.abstractmethod
    def add(self, specialization: Specialization) -> None: ...


class DoctorRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, doctor: Doctor) -> None: ...

    @abc.abstractmethod
    def get(self, doctor_id: uuid.UUID, *, for_update: bool = False) -> Doctor | None:
        """The doctor, locked until commit when `for_update` (changes of one doctor are serialized)."""

    @abc.abstractmethod
    def get_by_user(self, user_id: uuid.UUID, *, for_update: bool = False) -> Doctor | None: ...

    @abc.abstractmethod
    def save(self, doctor: Doctor) -> None:
        """Write back every part of a doctor loaded from this repository."""

    @abc.abstractmethod
    def search(
        self, *, specialization: str | None, text: str | None, accepting_only: bool, page: int, page_size: int
    ) -> DoctorPage: ...


class Outbox(abc.ABC):
    """Events written in the same transaction as the change they describe; a relay publishes them later."""

    @abc.abstractmethod
    def add(self, event: DoctorEvent) -> None: ...


class DirectoryCache(abc.ABC):
    """Answers to the public reads (the directory, the catalog), kept outside the database.

    They stay valid until the next committed change of any doctor or of the catalog, which calls
    `invalidate()`; every use case that commits a change does so once it has committed.
    """

    @abc.abstractmethod
    def invalidate(self) -> None:
        """Make every kept answer stale (never raises: a failure only delays the refresh)."""


class DoctorUnitOfWork(UnitOfWork):
    doctors: DoctorRepository
    specializations: SpecializationRepository
    outbox: Outbox
    directory: DirectoryCache

    def catalog(self) -> dict[str, Specialization]:
        """The specialization catalog by slug (adapters may keep a copy: it changes very rarely)."""
        return {s.slug: s for s in self.specializations.all()}
