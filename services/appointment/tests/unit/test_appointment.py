import uuid
from datetime import UTC, datetime, timedelta

import pytest

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.ports import AppointmentRepository, AppointmentUnitOfWork, Page
from appointment_service.service_layer.queries import MAX_PAGE_SIZE, list_patient_appointments

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_appointment(patient_id: uuid.UUID, minutes_from_start: int = 0) -> Appointment:
    start = START + timedelta(minutes=minutes_from_start)
    return Appointment(
        id=uuid.uuid4(),
        patient_id=patient_id,
        doctor_id=uuid.uuid4(),
        start=start,
        end=start + timedelta(minutes=20),
        status=AppointmentStatus.BOOKED,
    )


class FakeAppointmentRepository(AppointmentRepository):
    def __init__(self) -> None:
        self.rows: list[Appointment] = []

    def add(self, appointment: Appointment) -> None:
        self.rows.append(appointment)

    def for_patient(self, patient_id: uuid.UUID, *, page: int, page_size: int) -> Page:
        mine = sorted((a for a in self.rows if a.patient_id == patient_id), key=lambda a: a.start)
        chunk = mine[(page - 1) * page_size : page * page_size]
        return Page(items=chunk, page=page, page_size=page_size, total=len(mine))


class FakeUnitOfWork(AppointmentUnitOfWork):
    def __init__(self) -> None:
        self.appointments = FakeAppointmentRepository()
        self.committed = False

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass


def test_an_appointment_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        Appointment(
            id=uuid.uuid4(),
            patient_id=uuid.uuid4(),
            doctor_id=uuid.uuid4(),
            start=START,
            end=START,
            status=AppointmentStatus.BOOKED,
        )


def test_appointment_times_without_a_time_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Appointment(
            id=uuid.uuid4(),
            patient_id=uuid.uuid4(),
            doctor_id=uuid.uuid4(),
            start=datetime(2026, 12, 1, 9, 0),
            end=datetime(2026, 12, 1, 9, 30),
            status=AppointmentStatus.BOOKED,
        )


def test_only_booked_appointments_hold_the_doctors_time() -> None:
    assert AppointmentStatus.BOOKED.is_active
    assert not AppointmentStatus.CANCELLED.is_active
    assert not AppointmentStatus.COMPLETED.is_active


def test_a_patient_lists_only_their_own_appointments_in_time_order() -> None:
    uow = FakeUnitOfWork()
    me, someone_else = uuid.uuid4(), uuid.uuid4()
    later, earlier = make_appointment(me, 60), make_appointment(me, 0)
    for appointment in (later, make_appointment(someone_else), earlier):
        uow.appointments.add(appointment)

    page = list_patient_appointments(me, uow=uow, page=1, page_size=10)

    assert [a.id for a in page.items] == [earlier.id, later.id]
    assert page.total == 2


def test_page_size_is_capped() -> None:
    page = list_patient_appointments(uuid.uuid4(), uow=FakeUnitOfWork(), page=1, page_size=10_000)
    assert page.page_size == MAX_PAGE_SIZE
