"""The appointment itself, and who may list which appointments (service_layer/agenda.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.service_layer.agenda import MAX_PAGE_SIZE, AppointmentQuery, list_appointments
from hospital_shared.errors import Conflict, NotFound
from hospital_shared.identity import Identity
from hospital_testing import FixedClock

from ..builders import doctor_snapshot
from ..fakes import FakeUnitOfWork

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_appointment(
    patient_id: uuid.UUID,
    minutes_from_start: int = 0,
    *,
    doctor_id: uuid.UUID | None = None,
    **fields: Any,
) -> Appointment:
    start = START + timedelta(minutes=minutes_from_start)
    return Appointment(
        id=uuid.uuid4(),
        patient_id=patient_id,
        doctor_id=doctor_id or uuid.uuid4(),
        start=start,
        end=start + timedelta(minutes=20),
        **{"status": AppointmentStatus.BOOKED, **fields},
    )


def stored(uow: FakeUnitOfWork, *appointments: Appointment) -> None:
    for appointment in appointments:
        assert uow.appointments.add_if_free(appointment)


def test_an_appointment_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        Appointment(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), START, START, AppointmentStatus.BOOKED)


def test_appointment_times_without_a_time_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Appointment(
            uuid.uuid4(), uuid.uuid4(), uuid.uuid4(),
            datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 1, 9, 30), AppointmentStatus.BOOKED,
        )  # fmt: skip


def test_only_booked_appointments_and_holds_take_the_doctors_time() -> None:
    assert {s for s in AppointmentStatus if s.is_active} == {AppointmentStatus.BOOKED, AppointmentStatus.HELD}


def test_without_a_buffer_the_doctor_is_blocked_until_the_visit_ends() -> None:
    appointment = make_appointment(uuid.uuid4())

    assert appointment.blocked_until == appointment.end


def test_a_hold_past_its_expiry_is_expired_before_anyone_writes_it_down() -> None:
    hold = make_appointment(
        uuid.uuid4(), status=AppointmentStatus.HELD, hold_expires_at=START - timedelta(minutes=30)
    )

    assert hold.effective_status(START - timedelta(minutes=31)) is AppointmentStatus.HELD
    assert hold.effective_status(START - timedelta(minutes=30)) is AppointmentStatus.EXPIRED
    with pytest.raises(NotFound):
        hold.check_changeable(START - timedelta(minutes=10))


def test_an_appointment_that_has_started_can_no_longer_be_changed() -> None:
    appointment = make_appointment(uuid.uuid4())

    appointment.check_changeable(START - timedelta(seconds=1))
    with pytest.raises(Conflict):
        appointment.check_changeable(START)


def test_a_patient_lists_only_their_own_appointments_in_time_order() -> None:
    uow = FakeUnitOfWork(FixedClock(START))
    me, someone_else = uuid.uuid4(), uuid.uuid4()
    later, earlier = make_appointment(me, 60), make_appointment(me, 0)
    stored(uow, later, make_appointment(someone_else), earlier)

    page = list_appointments(
        uow, query=AppointmentQuery(), actor=Identity(me, "patient"), clock=FixedClock(START)
    )

    assert [a.id for a in page.items] == [earlier.id, later.id]
    assert page.total == 2


def test_a_patient_cannot_list_another_patients_appointments_by_asking_for_them() -> None:
    uow = FakeUnitOfWork(FixedClock(START))
    me, someone_else = uuid.uuid4(), uuid.uuid4()
    stored(uow, make_appointment(someone_else))

    query = AppointmentQuery(patient_id=someone_else)
    page = list_appointments(uow, query=query, actor=Identity(me, "patient"), clock=FixedClock(START))

    assert page.items == [] and page.total == 0


def test_a_doctor_sees_their_own_agenda_and_nobody_elses() -> None:
    uow = FakeUnitOfWork(FixedClock(START))
    weber = uow.doctors.add(doctor_snapshot(name="Dr. Anna Weber"))
    okafor = uow.doctors.add(doctor_snapshot(name="Dr. Ben Okafor"))
    mine = make_appointment(uuid.uuid4(), doctor_id=weber.id)
    stored(uow, mine, make_appointment(uuid.uuid4(), doctor_id=okafor.id))
    actor = Identity(weber.user_id, "doctor")

    own = list_appointments(uow, query=AppointmentQuery(), actor=actor, clock=FixedClock(START))
    other = list_appointments(
        uow, query=AppointmentQuery(doctor_id=okafor.id), actor=actor, clock=FixedClock(START)
    )

    assert [a.id for a in own.items] == [mine.id]
    assert other.items == []


def test_page_size_is_capped() -> None:
    page = list_appointments(
        FakeUnitOfWork(),
        query=AppointmentQuery(page_size=10_000),
        actor=Identity(uuid.uuid4(), "patient"),
        clock=FixedClock(START),
    )

    assert page.page_size == MAX_PAGE_SIZE
