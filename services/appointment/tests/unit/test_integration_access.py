"""Integrations (API keys) act only for the patients their key registered: bookings, reads, cancels and
reschedules over fakes, Auth-MS's answers kept a few seconds for reads only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appointment_service.adapters.contacts.recent import RecentPatientAccounts
from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.integrations import PatientAccount
from appointment_service.ports import AccountsUnavailable
from appointment_service.service_layer.agenda import AppointmentQuery, get_appointment, list_appointments
from appointment_service.service_layer.booking import BookAppointment, Booked
from appointment_service.service_layer.integrations import BOOK_ONLY_OWN, booking_parties
from hospital_shared.errors import Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from hospital_shared.identity import Identity

from ..builders import doctor_snapshot
from ..fakes import BookingDesk, FakePatientAccounts

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)  # a Sunday; Monday 4 January is a working day


def at(clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(datetime(2027, 1, 4).date(), time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def integration(key_id: uuid.UUID) -> Identity:
    return Identity(key_id, "integration", frozenset({"appointments:read", "appointments:write"}))


class Partners(BookingDesk):
    """Two partners' API keys, Auth-MS's accounts and the use cases over fakes."""

    accounts: FakePatientAccounts

    def __init__(self) -> None:
        super().__init__(NOW, hold_minutes=5, accounts=FakePatientAccounts())
        self.key, self.other_key = uuid.uuid4(), uuid.uuid4()
        self.doctor: BookableDoctor = self.uow.doctors.add(doctor_snapshot(name="Dr. Anna Weber"))

    def book(
        self, patient_id: uuid.UUID, start: str = "08:00", *, key: uuid.UUID | None = None, **extra: Any
    ) -> Booked:
        command = BookAppointment(
            patient_id=patient_id,
            booked_by=key or self.key,
            doctor_id=self.doctor.id,
            start=at(start),
            **extra,
        )
        return self.book_appointment(command)

    def listing(self, actor: Identity, patient_id: uuid.UUID | None) -> list[Appointment]:
        page = list_appointments(
            self.uow,
            query=AppointmentQuery(patient_id=patient_id),
            actor=actor,
            clock=self.clock,
            accounts=self.accounts,
        )
        return page.items


@pytest.fixture
def partners() -> Partners:
    return Partners()


def test_a_key_books_for_a_patient_it_registered(partners: Partners) -> None:
    patient = partners.accounts.register(key_id=partners.key)

    booked = partners.book(patient, reason="check-up")

    stored = partners.uow.appointments.rows[booked.appointment.id]
    assert (stored.patient_id, stored.status) == (patient, AppointmentStatus.BOOKED)
    assert [m.patient_id for m in partners.uow.mails.rows] == [patient]  # the patient hears of it


@pytest.mark.parametrize(
    "account",
    [
        {"key_id": "other"},  # another partner's patient
        {"key_id": None},  # a patient who signed up on their own
        {"key_id": "mine", "disabled": True},
        {"key_id": "mine", "role": "doctor"},
    ],
    ids=["another-keys-patient", "self-registered", "disabled", "not-a-patient"],
)
def test_a_key_cannot_book_for_anyone_but_its_enabled_patients(
    partners: Partners, account: dict[str, Any]
) -> None:
    key_id = {"other": partners.other_key, "mine": partners.key, None: None}[account.pop("key_id")]
    patient = partners.accounts.register(key_id=key_id, **account)

    with pytest.raises(Forbidden) as refused:
        partners.book(patient)

    assert refused.value.detail == BOOK_ONLY_OWN
    assert partners.uow.appointments.rows == {} and partners.uow.commits == 0


def test_an_unknown_patient_id_is_refused_like_another_keys_patient(partners: Partners) -> None:
    with pytest.raises(Forbidden) as refused:
        partners.book(uuid.uuid4())
    assert refused.value.detail == BOOK_ONLY_OWN


def test_with_auth_ms_down_a_keys_booking_is_503_and_writes_nothing(partners: Partners) -> None:
    patient = partners.accounts.register(key_id=partners.key)
    partners.accounts.down = True

    with pytest.raises(ServiceUnavailable) as unavailable:
        partners.book(patient, idempotency_key="retry-me")

    assert unavailable.value.headers["Retry-After"]
    assert partners.uow.transactions == 0 and partners.uow.idempotency.rows == {}


def test_a_keys_idempotency_key_replays_and_cannot_be_reused_for_another_patient(partners: Partners) -> None:
    ann, bob = (
        partners.accounts.register(key_id=partners.key),
        partners.accounts.register(key_id=partners.key),
    )

    first = partners.book(ann, idempotency_key="k-1")
    again = partners.book(ann, idempotency_key="k-1")

    assert again.replayed and again.appointment.id == first.appointment.id
    assert (partners.key, "k-1") in partners.uow.idempotency.rows  # the key's own, not the patient's
    with pytest.raises(ValidationFailed) as reused:
        partners.book(bob, "09:00", idempotency_key="k-1")
    assert "Idempotency-Key" in reused.value.errors
    assert len(partners.uow.appointments.rows) == 1


def test_people_book_for_themselves_and_keys_must_name_the_patient() -> None:
    me, key = uuid.uuid4(), uuid.uuid4()

    assert booking_parties(Identity(me, "patient"), None) == (me, None)
    with pytest.raises(ValidationFailed) as named:
        booking_parties(Identity(me, "patient"), uuid.uuid4())
    assert "patient_id" in named.value.errors
    with pytest.raises(ValidationFailed) as missing:
        booking_parties(integration(key), None)
    assert "patient_id" in missing.value.errors
    patient = uuid.uuid4()
    assert booking_parties(integration(key), patient) == (patient, key)


def test_a_key_lists_reads_cancels_and_reschedules_only_its_patients_appointments(partners: Partners) -> None:
    mine = partners.accounts.register(key_id=partners.key)
    theirs = partners.accounts.register(key_id=partners.other_key)
    my_visit = partners.book(mine, "08:00").appointment
    their_visit = partners.book(theirs, "09:00", key=partners.other_key).appointment
    me, them = integration(partners.key), integration(partners.other_key)

    assert [a.id for a in partners.listing(me, mine)] == [my_visit.id]
    with pytest.raises(Forbidden):
        partners.listing(them, mine)
    with pytest.raises(ValidationFailed):
        partners.listing(me, None)  # a key always names the patient
    assert (
        get_appointment(partners.uow, appointment_id=my_visit.id, actor=me, accounts=partners.accounts).id
        == my_visit.id
    )
    for attempt in (
        lambda: get_appointment(
            partners.uow, appointment_id=their_visit.id, actor=me, accounts=partners.accounts
        ),
        lambda: partners.cancel(their_visit, me),
        lambda: partners.reschedule(their_visit, at("10:00"), actor=me),
    ):
        with pytest.raises(NotFound):
            attempt()

    moved = partners.reschedule(my_visit, at("10:00"), actor=me)
    cancelled = partners.cancel(moved, me)

    assert (cancelled.status, cancelled.cancelled_by_role) == (AppointmentStatus.CANCELLED, "integration")
    assert cancelled.cancelled_by == partners.key
    assert partners.uow.appointments.rows[their_visit.id].status is AppointmentStatus.BOOKED


def test_a_key_cannot_act_for_its_patient_once_the_account_is_disabled(partners: Partners) -> None:
    patient = partners.accounts.register(key_id=partners.key)
    visit = partners.book(patient).appointment
    partners.accounts.disable(patient)

    with pytest.raises(NotFound):
        partners.cancel(visit, integration(partners.key))
    with pytest.raises(Forbidden):
        partners.book(patient, "10:00")


def test_without_auth_ms_accounts_a_key_sees_nothing(partners: Partners) -> None:
    patient = partners.accounts.register(key_id=partners.key)
    visit = partners.book(patient).appointment

    with pytest.raises(NotFound):  # a caller that forgot to pass Auth-MS fails closed
        get_appointment(partners.uow, appointment_id=visit.id, actor=integration(partners.key))


def test_people_are_not_asked_about_at_auth_ms(partners: Partners) -> None:
    patient = partners.accounts.register(key_id=partners.key)
    visit = partners.book(patient).appointment
    asked = partners.accounts.asked

    get_appointment(
        partners.uow, appointment_id=visit.id, actor=Identity(patient, "patient"), accounts=partners.accounts
    )
    partners.cancel(visit, Identity(patient, "patient"))

    assert partners.accounts.asked == asked


# -- Auth-MS's answers, kept briefly for reads --------------------------------------------------------


class Ticking:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_kept_answer_serves_for_its_ttl_then_auth_ms_is_asked_again() -> None:
    accounts, clock = FakePatientAccounts(), Ticking()
    patient = accounts.register(key_id=uuid.uuid4())
    recent = RecentPatientAccounts(accounts, ttl_seconds=5, monotonic=clock)

    first = recent.account_of(patient)
    accounts.disable(patient)
    clock.now = 4.9
    kept = recent.account_of(patient)
    clock.now = 5.0
    fresh = recent.account_of(patient)

    assert isinstance(first, PatientAccount) and kept == first and not kept.disabled
    assert fresh is not None and fresh.disabled
    assert accounts.asked == 2


def test_unknown_accounts_and_failures_are_never_kept() -> None:
    accounts, clock = FakePatientAccounts(), Ticking()
    recent = RecentPatientAccounts(accounts, ttl_seconds=5, monotonic=clock)
    unknown = uuid.uuid4()

    assert recent.account_of(unknown) is None
    accounts.accounts[unknown] = PatientAccount(unknown, "patient", None, False)
    assert recent.account_of(unknown) is not None
    accounts.down = True
    other = uuid.uuid4()
    with pytest.raises(AccountsUnavailable):
        recent.account_of(other)
    with pytest.raises(AccountsUnavailable):
        recent.account_of(other)


def test_a_zero_ttl_keeps_nothing_and_the_oldest_answers_make_room() -> None:
    accounts = FakePatientAccounts()
    patients = [accounts.register(key_id=None) for _ in range(3)]
    never = RecentPatientAccounts(accounts, ttl_seconds=0)
    never.account_of(patients[0])
    never.account_of(patients[0])
    assert accounts.asked == 2

    small = RecentPatientAccounts(accounts, ttl_seconds=60, max_entries=2)
    for patient in patients:
        small.account_of(patient)
    asked = accounts.asked
    small.account_of(patients[2])
    small.account_of(patients[0])  # made room for the third
    assert accounts.asked == asked + 1
