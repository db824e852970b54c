"""What Doctor-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass
from datetime import datetime

from doctor_service.domain.doctor import Doctor, DoctorListing, Specialization
from doctor_service.domain.events import DoctorEvent
from hospital_shared.db import UnitOfWork
from hospital_shared.paging import Page


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
    def search(self, query: DirectoryQuery) -> Page[DoctorListing]:
        """A page of doctors; by name then id, or by (updated_at, id) when `updated_since` is given."""


@dataclass(frozen=True)
class DirectoryQuery:
    specialization: str | None = None
    text: str | None = None
    accepting_only: bool = False
    include_unlisted: bool = False  # deactivated doctors and disabled accounts too (admins)
    updated_since: datetime | None = None  # changed at or after this moment
    page: int = 1
    page_size: int = 20


class AccountEventsCursor(abc.ABC):
    """How far Auth-MS's account-events stream has been applied, kept with the doctors it changed."""

    @abc.abstractmethod
    def cursor(self, stream: str, *, for_update: bool = False) -> str | None: ...

    @abc.abstractmethod
    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None: ...


@dataclass(frozen=True)
class Account:
    """An Auth-MS account as Doctor-MS needs to know it. `role` None: Auth-MS did not say."""

    id: uuid.UUID
    role: str | None
    disabled: bool


class AccountsUnavailable(Exception):
    """Auth-MS could not be asked (down, slow, or an unexpected answer)."""


class Accounts(abc.ABC):
    """Auth-MS's accounts (its internal REST API)."""

    @abc.abstractmethod
    def account(self, user_id: uuid.UUID) -> Account | None:
        """The account, or None when there is none; raises AccountsUnavailable when Auth-MS cannot tell."""


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
    account_cursor: AccountEventsCursor

    def catalog(self) -> dict[str, Specialization]:
        """The specialization catalog by slug (adapters may keep a copy: it changes very rarely)."""
        return {s.slug: s for s in self.specializations.all()}
