"""Booking, holds, cancelling, rescheduling, slot search and the doctor projection, over fakes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.service_layer.booking import HOLD, BookAppointment, Booked, SlotTaken
from appointment_service.service_layer.projection import apply_doctor_events
from appointment_service.service_layer.slot_search import SlotSearch, find_slots, next_slot
from hospital_shared.errors import NotFound, TooManyRequests, ValidationFailed
from hospital_shared.identity import Identity

from ..builders import doctor_snapshot, stream_event
from ..fakes import BookingDesk

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)  # Sunday; Monday 4 January is an ordinary working day
MONDAY = date(2027, 1, 4)
HOLD_MINUTES = 5
STREAM = "doctor-events"


def at(clock: str, day: date = MONDAY) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


class Hospital(BookingDesk):
    """The use cases over fakes, on a Sunday; a test books with a doctor and a start."""

    def __init__(self) -> None:
        super().__init__(NOW, hold_minutes=HOLD_MINUTES)

    def doctor(self, **fields: Any) -> BookableDoctor:
        return self.uow.doctors.add(doctor_snapshot(**fields))

    def book(
        self, doctor: BookableDoctor, start: datetime, *, patient: uuid.UUID | None = None, **fields: Any
    ) -> Booked:
        command = BookAppointment(
            patient_id=patient or uuid.uuid4(), doctor_id=doctor.id, start=start, **fields
        )
        return self.book_appointment(command)

    def search(self, **fields: Any) -> list[dict[str, Any]]:
        search = SlotSearch(**{"limit": 3, **fields})
        body = find_slots(
            self.uow, search=search, viewer=None, cache=self.cache, clock=self.clock, cache_seconds=60
        )
        return json.loads(body)["items"]

    def best_slot(self, **fields: Any) -> dict[str, Any]:
        """The one slot next_slot answers (NotFound when nothing is free)."""
        search = SlotSearch(**fields)
        body = next_slot(
            self.uow, search=search, viewer=None, cache=self.cache, clock=self.clock, cache_seconds=60
        )
        return json.loads(body)

    def stored(self, appointment: Appointment) -> Appointment:
        return self.uow.appointments.rows[appointment.id]

    def mails(self, kind: str) -> list[Any]:
        return [m for m in self.uow.mails.rows if m.kind == kind]


@pytest.fixture
def hospital() -> Hospital:
    return Hospital()


@pytest.fixture
def weber(hospital: Hospital) -> BookableDoctor:
    return hospital.doctor(name="Dr. Anna Weber", specializations=("cardiology", "internal-medicine"))


def patient(user_id: uuid.UUID) -> Identity:
    return Identity(user_id, "patient")


# -- booking ---------------------------------------------------------------------------------------------


def test_a_free_slot_is_booked_for_the_patient(hospital: Hospital, weber: BookableDoctor) -> None:
    me = uuid.uuid4()

    booked = hospital.book(weber, at("08:00"), patient=me, reason="chest pain")

    stored = hospital.stored(booked.appointment)
    assert (stored.patient_id, stored.doctor_id, stored.status) == (me, weber.id, AppointmentStatus.BOOKED)
    assert (stored.start, stored.end) == (at("08:00"), at("08:30"))
    assert stored.appointment_type == "cardiology" and stored.reason == "chest pain"
    assert not booked.replayed


def test_a_second_booking_of_the_same_slot_is_slot_taken(hospital: Hospital, weber: BookableDoctor) -> None:
    hospital.book(weber, at("08:00"))

    with pytest.raises(SlotTaken) as taken:
        hospital.book(weber, at("08:00"))

    assert taken.value.status == 409
    assert taken.value.to_problem()["reason"] == "slot_taken"
    assert len(hospital.uow.appointments.rows) == 1


def test_a_booking_that_overlaps_another_patients_visit_is_slot_taken(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    hospital.book(weber, at("08:00"))

    with pytest.raises(SlotTaken) as taken:
        hospital.book(weber, at("08:15"))

    assert taken.value.extra["reason"] == "slot_taken"


def test_a_patients_overlapping_booking_with_another_doctor_is_patient_overlap(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    okafor = hospital.doctor(name="Dr. Ben Okafor")
    me = uuid.uuid4()
    hospital.book(weber, at("08:00"), patient=me)

    with pytest.raises(SlotTaken) as taken:
        hospital.book(okafor, at("08:15"), patient=me)

    assert taken.value.status == 409
    assert taken.value.extra["reason"] == "patient_overlap"


def test_the_same_idempotency_key_and_body_three_times_books_once(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    me = uuid.uuid4()

    answers = [hospital.book(weber, at("08:00"), patient=me, idempotency_key="k-1") for _ in range(3)]

    assert len({a.appointment.id for a in answers}) == 1
    assert [a.replayed for a in answers] == [False, True, True]
    assert len(hospital.uow.appointments.rows) == 1
    assert len(hospital.mails("confirmed")) == 1


def test_the_same_idempotency_key_with_another_body_is_refused(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    me = uuid.uuid4()
    hospital.book(weber, at("08:00"), patient=me, idempotency_key="k-1")

    with pytest.raises(ValidationFailed) as refused:
        hospital.book(weber, at("09:00"), patient=me, idempotency_key="k-1")

    assert refused.value.status == 422
    assert "Idempotency-Key" in refused.value.errors
    assert [a.start for a in hospital.uow.appointments.rows.values()] == [at("08:00")]


def test_a_retry_of_a_request_that_lost_the_race_gets_the_same_409_even_when_the_slot_is_free_again(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    first = hospital.book(weber, at("08:00"))
    me = uuid.uuid4()
    with pytest.raises(SlotTaken):
        hospital.book(weber, at("08:00"), patient=me, idempotency_key="k-1")
    hospital.cancel(first.appointment, Identity(uuid.uuid4(), "admin"))

    with pytest.raises(SlotTaken) as replayed:
        hospital.book(weber, at("08:00"), patient=me, idempotency_key="k-1")

    assert replayed.value.extra["reason"] == "slot_taken"


def test_a_booking_off_the_grid_is_refused_naming_start(hospital: Hospital, weber: BookableDoctor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hospital.book(weber, at("08:07"))

    assert refused.value.status == 422 and list(refused.value.errors) == ["start"]
    assert hospital.uow.appointments.rows == {}


def test_a_booking_with_an_unknown_doctor_is_refused_naming_doctor_id(hospital: Hospital) -> None:
    stranger = BookableDoctor.from_snapshot(doctor_snapshot(), version=1)  # never published

    with pytest.raises(ValidationFailed) as refused:
        hospital.book(stranger, at("08:00"))

    assert list(refused.value.errors) == ["doctor_id"]


def test_a_booking_invalidates_the_cached_answers_of_the_doctor_and_its_specializations(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    hospital.book(weber, at("08:00"))

    assert hospital.cache.generation(f"doctor:{weber.id}") == 1
    assert hospital.cache.generation("spec:cardiology") == 1
    assert hospital.cache.generation("spec:internal-medicine") == 1
    assert hospital.cache.generation("spec:neurology") == 0


# -- holds -----------------------------------------------------------------------------------------------


def test_a_hold_blocks_the_slot_for_other_patients(hospital: Hospital, weber: BookableDoctor) -> None:
    hold = hospital.book(weber, at("08:00"), kind=HOLD).appointment

    with pytest.raises(SlotTaken):
        hospital.book(weber, at("08:00"))

    assert hospital.stored(hold).status is AppointmentStatus.HELD
    assert hospital.mails("confirmed") == []


def test_an_expired_hold_no_longer_blocks_and_the_slot_goes_to_another_patient(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    hold = hospital.book(weber, at("08:00"), kind=HOLD).appointment
    hospital.clock.advance(minutes=HOLD_MINUTES, seconds=1)

    booked = hospital.book(weber, at("08:00"))

    assert hospital.stored(booked.appointment).status is AppointmentStatus.BOOKED
    assert hospital.stored(hold).status is AppointmentStatus.EXPIRED


def test_a_live_hold_is_confirmed_into_a_booking(hospital: Hospital, weber: BookableDoctor) -> None:
    me = uuid.uuid4()
    hold = hospital.book(weber, at("08:00"), patient=me, kind=HOLD).appointment
    hospital.clock.advance(minutes=HOLD_MINUTES - 1)

    hospital.confirm(hold, patient_id=me)

    assert hospital.stored(hold).status is AppointmentStatus.BOOKED
    assert [m.appointment_id for m in hospital.mails("confirmed")] == [hold.id]


def test_a_guest_hold_is_claimed_once_by_its_token_and_booked_for_the_patient(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    held = hospital.hold_for_guest(weber, at("08:00"), guest_key="client-1", max_live_holds=2)
    assert hospital.stored(held.appointment).claim_token_hash != held.claim_token  # only a digest is kept
    me, stranger = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(NotFound):
        hospital.confirm(held.appointment, patient_id=stranger, claim_token="guess")

    booked = hospital.confirm(
        held.appointment, patient_id=me, reason="palpitations", claim_token=held.claim_token
    )

    assert (booked.patient_id, booked.status) == (me, AppointmentStatus.BOOKED)
    assert hospital.stored(held.appointment).claim_token_hash is None
    with pytest.raises(NotFound):  # spent
        hospital.confirm(held.appointment, patient_id=stranger, claim_token=held.claim_token)


def test_a_client_keeps_at_most_its_cap_of_live_guest_holds(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    def hold(clock: str) -> None:
        hospital.hold_for_guest(weber, at(clock), guest_key="client-1", max_live_holds=2)

    hold("08:00")
    hold("09:00")
    with pytest.raises(TooManyRequests):
        hold("10:00")
    hospital.clock.advance(minutes=HOLD_MINUTES + 1)
    hold("10:00")


def test_confirming_an_expired_hold_is_409(hospital: Hospital, weber: BookableDoctor) -> None:
    me = uuid.uuid4()
    hold = hospital.book(weber, at("08:00"), patient=me, kind=HOLD).appointment
    hospital.clock.advance(minutes=HOLD_MINUTES + 1)

    with pytest.raises(SlotTaken) as expired:
        hospital.confirm(hold, patient_id=me)

    assert expired.value.status == 409


def test_confirming_an_expired_hold_whose_slot_another_patient_took_is_409(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    me = uuid.uuid4()
    hold = hospital.book(weber, at("08:00"), patient=me, kind=HOLD).appointment
    hospital.clock.advance(minutes=HOLD_MINUTES + 1)
    taken = hospital.book(weber, at("08:00")).appointment  # writes the hold's expiry down

    with pytest.raises(SlotTaken):
        hospital.confirm(hold, patient_id=me)

    assert hospital.stored(taken).status is AppointmentStatus.BOOKED


# -- cancelling ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_the_patient_the_doctor_or_an_admin_can_cancel_and_the_slot_is_free_again(
    hospital: Hospital, weber: BookableDoctor, role: str
) -> None:
    me = uuid.uuid4()
    booked = hospital.book(weber, at("08:00"), patient=me).appointment
    actor = {"patient": me, "doctor": weber.user_id, "admin": uuid.uuid4()}[role]

    hospital.cancel(booked, Identity(actor, role))

    stored = hospital.stored(booked)
    assert (stored.status, stored.cancelled_by_role, stored.cancelled_by) == (
        AppointmentStatus.CANCELLED,
        role,
        actor,
    )
    assert hospital.book(weber, at("08:00")).appointment.start == at("08:00")


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_someone_else_cancelling_gets_not_found_and_nothing_changes(
    hospital: Hospital, weber: BookableDoctor, role: str
) -> None:
    booked = hospital.book(weber, at("08:00")).appointment
    hospital.doctor(name="Dr. Ben Okafor", user_id=(other_doctor := uuid.uuid4()))
    someone_else = Identity(uuid.uuid4() if role == "patient" else other_doctor, role)

    with pytest.raises(NotFound):
        hospital.cancel(booked, someone_else)

    assert hospital.stored(booked).status is AppointmentStatus.BOOKED
    assert hospital.mails("cancelled") == []


def test_cancelling_writes_a_cancelled_mail_naming_who_cancelled(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    booked = hospital.book(weber, at("08:00")).appointment

    hospital.cancel(booked, Identity(weber.user_id, "doctor"))

    (mail,) = hospital.mails("cancelled")
    assert (mail.appointment_id, mail.patient_id) == (booked.id, booked.patient_id)
    assert mail.payload["cancelled_by_role"] == "doctor" and mail.payload["cancel_reason"] == "cannot come"
    assert mail.payload["sequence"] == 1


def test_booking_writes_a_confirmed_mail_with_the_appointment_time(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    booked = hospital.book(weber, at("08:00")).appointment

    (mail,) = hospital.mails("confirmed")
    assert mail.appointment_id == booked.id
    assert (mail.payload["start"], mail.payload["end"]) == ("2027-01-04T07:00:00Z", "2027-01-04T07:30:00Z")
    assert mail.payload["doctor_name"] == "Dr. Anna Weber"
    assert mail.payload["doctor_time_zone"] == "Europe/Berlin"


# -- rescheduling ----------------------------------------------------------------------------------------


def test_rescheduling_moves_the_appointment_and_frees_the_old_time(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    old = hospital.book(weber, at("08:00")).appointment

    new = hospital.reschedule(old, at("09:00"))

    assert hospital.stored(old).status is AppointmentStatus.RESCHEDULED
    assert hospital.stored(old).rescheduled_to == new.id
    assert (hospital.stored(new).status, new.start, new.rescheduled_from) == (
        AppointmentStatus.BOOKED, at("09:00"), old.id,
    )  # fmt: skip
    assert hospital.book(weber, at("08:00")).appointment.start == at("08:00")


def test_rescheduling_into_a_time_overlapping_the_old_one_works(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    old = hospital.book(weber, at("08:00")).appointment

    new = hospital.reschedule(old, at("08:15"))

    assert hospital.stored(new).status is AppointmentStatus.BOOKED


def test_rescheduling_onto_a_taken_time_changes_nothing(hospital: Hospital, weber: BookableDoctor) -> None:
    old = hospital.book(weber, at("08:00")).appointment
    hospital.book(weber, at("09:00"))

    with pytest.raises(SlotTaken):
        hospital.reschedule(old, at("09:00"))

    assert hospital.stored(old).status is AppointmentStatus.BOOKED
    assert hospital.stored(old).rescheduled_to is None
    assert len(hospital.uow.appointments.rows) == 2
    assert hospital.mails("rescheduled") == []


def test_rescheduling_writes_a_rescheduled_mail_with_the_previous_time(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    old = hospital.book(weber, at("08:00")).appointment

    new = hospital.reschedule(old, at("09:00"))

    (mail,) = hospital.mails("rescheduled")
    assert mail.appointment_id == new.id
    assert (mail.payload["start"], mail.payload["previous_start"]) == (
        "2027-01-04T08:00:00Z",
        "2027-01-04T07:00:00Z",
    )
    assert mail.payload["calendar_uid"] == f"{old.id}@hospital.example"


# -- slot search -----------------------------------------------------------------------------------------


def test_a_search_is_answered_from_the_cache_while_nothing_changed(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    first = hospital.search(specialization="cardiology")
    transactions = hospital.uow.transactions
    # A row the cache was not told about: only a cached answer can still offer 08:00.
    hospital.uow.appointments.rows[uuid.uuid4()] = Appointment(
        uuid.uuid4(), uuid.uuid4(), weber.id, at("08:00"), at("08:30"), AppointmentStatus.BOOKED
    )

    again = hospital.search(specialization="cardiology")

    assert again == first and again[0]["start"] == "2027-01-04T07:00:00Z"
    assert hospital.uow.transactions == transactions


def test_a_booking_bumps_the_generation_so_the_next_search_no_longer_offers_the_slot(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    assert hospital.search(specialization="cardiology")[0]["start"] == "2027-01-04T07:00:00Z"

    hospital.book(weber, at("08:00"))

    starts = [item["start"] for item in hospital.search(specialization="cardiology")]
    assert starts == ["2027-01-04T07:30:00Z", "2027-01-04T07:45:00Z", "2027-01-04T08:00:00Z"]


def test_the_search_ranks_the_doctor_booked_less_this_week_first(
    hospital: Hospital, weber: BookableDoctor
) -> None:
    okafor = hospital.doctor(name="Dr. Ben Okafor")
    hospital.book(weber, at("10:00", MONDAY + timedelta(days=1)))

    leader, follower = hospital.search(specialization="cardiology", limit=2)

    assert leader["start"] == follower["start"] == "2027-01-04T07:00:00Z"
    assert leader["doctor_id"] == str(okafor.id)
    assert (
        leader["rank_reason"]
        == "earliest free cardiology slot; Dr. Ben Okafor is less booked this week (0% vs 1%)"
    )


def test_a_search_for_an_unknown_specialization_is_422(hospital: Hospital, weber: BookableDoctor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hospital.search(specialization="astrology")

    assert list(refused.value.errors) == ["specialization"]


def test_a_search_window_over_90_days_is_422(hospital: Hospital, weber: BookableDoctor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hospital.search(specialization="cardiology", start=NOW, end=NOW + timedelta(days=91))

    assert list(refused.value.errors) == ["to"]


def test_a_search_ending_before_it_starts_is_422(hospital: Hospital, weber: BookableDoctor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hospital.search(specialization="cardiology", start=NOW, end=NOW - timedelta(hours=1))

    assert list(refused.value.errors) == ["to"]


def test_the_next_slot_is_the_single_best_one(hospital: Hospital, weber: BookableDoctor) -> None:
    slot = hospital.best_slot(limit=5, specialization="cardiology")

    assert (
        slot["start"] == "2027-01-04T07:00:00Z" and slot["doctor_local_start"] == "2027-01-04T08:00:00+01:00"
    )
    assert slot["rank_reason"].startswith("earliest free cardiology slot")


def test_there_is_no_next_slot_when_nothing_is_free(hospital: Hospital) -> None:
    hospital.doctor(specializations=("dermatology",), weekly={})

    with pytest.raises(NotFound):
        hospital.best_slot(limit=1, specialization="dermatology")


# -- the doctor projection -------------------------------------------------------------------------------


def apply(hospital: Hospital, *events: Any) -> int:
    return apply_doctor_events(hospital.uow, events=list(events), stream=STREAM, cache=hospital.cache)


def test_an_older_or_equal_version_never_overwrites_a_newer_one(hospital: Hospital) -> None:
    doctor_id = uuid.uuid4()
    apply(hospital, stream_event(doctor_snapshot(doctor_id=doctor_id, name="Dr. New", version=2), "1-0"))

    changed = apply(
        hospital,
        stream_event(doctor_snapshot(doctor_id=doctor_id, name="Dr. Old", version=1), "2-0"),
        stream_event(doctor_snapshot(doctor_id=doctor_id, name="Dr. Same", version=2), "3-0"),
    )

    assert changed == 0
    assert hospital.uow.doctors.get(doctor_id).full_name == "Dr. New"


def test_a_duplicate_event_changes_nothing_and_invalidates_nothing(hospital: Hospital) -> None:
    event = stream_event(doctor_snapshot(version=1), "1-0")
    apply(hospital, event)
    generations = dict(hospital.cache.generations)

    assert apply(hospital, event) == 0
    assert hospital.cache.generations == generations


def test_a_newer_version_replaces_the_doctor_and_invalidates_old_and_new_specializations(
    hospital: Hospital,
) -> None:
    doctor_id = uuid.uuid4()
    apply(
        hospital, stream_event(doctor_snapshot(doctor_id=doctor_id, specializations=("cardiology",)), "1-0")
    )

    changed = apply(
        hospital,
        stream_event(doctor_snapshot(doctor_id=doctor_id, specializations=("neurology",), version=2), "2-0"),
    )

    assert changed == 1
    assert [s.slug for s in hospital.uow.doctors.get(doctor_id).specializations] == ["neurology"]
    assert (
        hospital.cache.generation("spec:cardiology") == 2 and hospital.cache.generation("spec:neurology") == 1
    )


def test_the_cursor_advances_to_the_last_event_even_when_nothing_changed(hospital: Hospital) -> None:
    event = stream_event(doctor_snapshot(version=1), "5-0")
    apply(hospital, event)
    assert hospital.uow.doctors.cursor(STREAM) == "5-0"

    apply(hospital, stream_event(event.payload, "7-1"))

    assert hospital.uow.doctors.cursor(STREAM) == "7-1"
