"""In-memory fakes of Doctor-MS's ports, for use-case tests without I/O."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import hospital_testing
from doctor_service.domain.doctor import Doctor, DoctorListing, Specialization
from doctor_service.domain.events import DoctorEvent
from doctor_service.ports import (
    Account,
    AccountEventsCursor,
    Accounts,
    AccountsUnavailable,
    DirectoryCache,
    DirectoryQuery,
    DoctorRepository,
    DoctorUnitOfWork,
    Outbox,
    SpecializationRepository,
)
from hospital_shared.paging import Page
from hospital_testing import FixedClock

# Time off is refused before the doctor's today: the tests' dates (2020 past, 2099 ahead) lie either side.
CLOCK = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))

CATALOG = [
    Specialization("cardiology", "Cardiology", 30),
    Specialization("dermatology", "Dermatology", 15),
    Specialization("neurology", "Neurology", 45),
]


class FakeSpecializations(SpecializationRepository):
    def __init__(self) -> None:
        self.rows = {s.slug: s for s in CATALOG}

    def all(self) -> list[Specialization]:
        return list(self.rows.values())

    def add(self, specialization: Specialization) -> None:
        self.rows[specialization.slug] = specialization


class FakeDoctors(DoctorRepository):
    def __init__(self) -> None:
        self.committed: dict[uuid.UUID, Doctor] = {}
        self.pending: dict[uuid.UUID, Doctor] = {}

    def add(self, doctor: Doctor) -> None:
        self.pending[doctor.id] = copy.deepcopy(doctor)

    def get(self, doctor_id, *, for_update=False):
        found = self.committed.get(doctor_id)
        return copy.deepcopy(found) if found else None

    def get_by_user(self, user_id, *, for_update=False):
        return next((copy.deepcopy(d) for d in self.committed.values() if d.user_id == user_id), None)

    def save(self, doctor: Doctor) -> None:
        self.pending[doctor.id] = copy.deepcopy(doctor)

    def search(self, query: DirectoryQuery) -> Page[DoctorListing]:
        found = [
            d
            for d in self.committed.values()
            if (not query.specialization or query.specialization in d.specializations)
            and (not query.text or query.text.lower() in d.full_name.lower())
            and (query.include_unlisted or d.listed)
        ]
        found.sort(key=lambda d: (d.full_name, d.id))
        listed = [DoctorListing.of(d) for d in found]
        return Page.of(listed, page=query.page, page_size=query.page_size)


class FakeAccountCursor(AccountEventsCursor):
    def __init__(self) -> None:
        self.committed: dict[str, str] = {}
        self.pending: dict[str, str] = {}

    def cursor(self, stream: str, *, for_update: bool = False) -> str | None:
        return self.committed.get(stream)

    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None:
        self.pending[stream] = last_id


class FakeAccounts(Accounts):
    """Auth-MS's accounts: every id is an enabled doctor account unless registered otherwise."""

    def __init__(self) -> None:
        self.known: dict[uuid.UUID, Account | None] = {}
        self.down = False

    def account(self, user_id: uuid.UUID) -> Account | None:
        if self.down:
            raise AccountsUnavailable("Auth-MS is down (fake)")
        return self.known.get(user_id, Account(user_id, "doctor", False))


class FakeOutbox(Outbox):
    def __init__(self) -> None:
        self.committed: list[DoctorEvent] = []
        self.pending: list[DoctorEvent] = []

    def add(self, event: DoctorEvent) -> None:
        self.pending.append(event)


class FakeDirectoryCache(DirectoryCache):
    """Records when answers were made stale, and how many events were committed by then."""

    def __init__(self, outbox: FakeOutbox) -> None:
        self._outbox = outbox
        self.invalidated_after: list[int] = []

    def invalidate(self) -> None:
        self.invalidated_after.append(len(self._outbox.committed))


class FakeUnitOfWork(hospital_testing.FakeUnitOfWork, DoctorUnitOfWork):
    """Changes become visible only on commit, like a real transaction."""

    def __init__(self) -> None:
        super().__init__()
        self.doctors = FakeDoctors()
        self.specializations = FakeSpecializations()
        self.outbox = FakeOutbox()
        self.directory = FakeDirectoryCache(self.outbox)
        self.account_cursor = FakeAccountCursor()

    def commit(self) -> None:
        super().commit()
        self.doctors.committed.update(self.doctors.pending)
        self.outbox.committed.extend(self.outbox.pending)
        self.account_cursor.committed.update(self.account_cursor.pending)
        self._discard_pending()

    def rollback(self) -> None:
        super().rollback()
        self._discard_pending()

    def _discard_pending(self) -> None:
        self.doctors.pending.clear()
        self.outbox.pending.clear()
        self.account_cursor.pending.clear()
