"""Doctor-MS use cases with fakes: who may change what, versions, and one event per committed change."""

import uuid

import pytest

from doctor_service.ports import DirectoryQuery
from doctor_service.service_layer import catalog, directory, profiles, schedules, time_off
from hospital_shared.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from hospital_shared.identity import Identity

from ..fakes import CLOCK, FakeAccounts, FakeUnitOfWork

ADMIN = Identity(uuid.uuid4(), "admin")
WEEK = {"time_zone": "Europe/Berlin", "weekly": {"monday": [{"start": "09:00", "end": "17:00"}]}}


def new_doctor(uow: FakeUnitOfWork, **profile):
    user_id = uuid.uuid4()
    body = {
        "full_name": "Dr. Anna Weber",
        "specializations": ["cardiology"],
        "time_zone": "Europe/Berlin",
        **profile,
    }
    doctor = profiles.create_doctor(uow, user_id=user_id, profile=body, accounts=FakeAccounts(), clock=CLOCK)
    return doctor, Identity(user_id, "doctor")


def test_creating_a_doctor_writes_a_created_event_with_version_1() -> None:
    uow = FakeUnitOfWork()

    doctor, _ = new_doctor(uow)

    [event] = uow.outbox.committed
    assert (event.type.value, event.version, event.doctor_id) == ("doctor.created", 1, doctor.id)
    assert event.payload["schedule"]["appointment_types"] == [
        {"code": "cardiology", "name": "Cardiology consultation", "duration_minutes": 30}
    ]


def test_the_event_lists_the_doctors_languages_and_where_they_practise() -> None:
    uow = FakeUnitOfWork()

    new_doctor(uow, languages=["de", "en"], clinic="Herzzentrum", location="Berlin")

    doctor = uow.outbox.committed[-1].payload["doctor"]
    assert (doctor["languages"], doctor["clinic"], doctor["location"], doctor["photo_url"]) == (
        ["de", "en"],
        "Herzzentrum",
        "Berlin",
        None,
    )


def test_unknown_specializations_are_refused_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(ValidationFailed) as caught:
        new_doctor(uow, specializations=["cardiology", "alchemy"])

    assert list(caught.value.errors) == ["specializations"]
    assert uow.doctors.committed == {} and uow.outbox.committed == []


def test_a_doctor_replaces_their_schedule_and_each_change_raises_the_version() -> None:
    uow = FakeUnitOfWork()
    _doctor, me = new_doctor(uow)

    longer = {**WEEK, "weekly": {"monday": [{"start": "08:00", "end": "17:00"}]}}
    first = schedules.replace_schedule(
        uow, doctor_id=None, actor=me, document=longer, if_match='"1"', clock=CLOCK
    )
    second = schedules.replace_schedule(
        uow, doctor_id=None, actor=me, document=WEEK, if_match=first.schedule_etag, clock=CLOCK
    )

    assert (first.schedule_version, second.schedule_version) == (2, 3)
    assert [e.version for e in uow.outbox.committed] == [1, 2, 3]
    assert uow.outbox.committed[-1].payload["schedule"]["weekly"]["monday"] == [
        {"start": "09:00", "end": "17:00"}
    ]


def test_a_schedule_sent_back_with_its_own_doctor_id_and_any_version_is_accepted() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    replaced = schedules.replace_schedule(
        uow,
        doctor_id=None,
        actor=me,
        document={**WEEK, "doctor_id": str(doctor.id).upper(), "version": 99},
        if_match='"1"',
        clock=CLOCK,
    )

    assert replaced.schedule_version == 2


def test_a_schedule_naming_another_doctor_is_refused_naming_doctor_id_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()
    doctor, _ = new_doctor(uow)
    other, _ = new_doctor(uow)

    for named in (other.id, "not-a-uuid"):
        with pytest.raises(ValidationFailed) as caught:
            schedules.replace_schedule(
                uow,
                doctor_id=doctor.id,
                actor=ADMIN,
                document={**WEEK, "doctor_id": named},
                if_match='"1"',
                clock=CLOCK,
            )
        assert list(caught.value.errors) == ["doctor_id"]
        assert str(doctor.id) in caught.value.errors["doctor_id"][0]
    assert len(uow.outbox.committed) == 2  # the two created events only


def test_a_stale_etag_changes_nothing_and_writes_no_event() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)
    schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK)

    with pytest.raises(PreconditionFailed):
        schedules.replace_schedule(
            uow, doctor_id=None, actor=me, document={**WEEK, "weekly": {}}, if_match='"1"', clock=CLOCK
        )

    assert uow.doctors.committed[doctor.id].schedule.weekly[0]
    assert len(uow.outbox.committed) == 2


def test_if_match_is_required() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    with pytest.raises(PreconditionRequired):
        schedules.replace_schedule(
            uow, doctor_id=doctor.id, actor=me, document=WEEK, if_match=None, clock=CLOCK
        )


@pytest.mark.parametrize("role", ["doctor", "patient"])
def test_nobody_but_the_doctor_and_admins_may_change_a_schedule(role: str) -> None:
    uow = FakeUnitOfWork()
    doctor, _ = new_doctor(uow)

    with pytest.raises(Forbidden):
        schedules.replace_schedule(
            uow,
            doctor_id=doctor.id,
            actor=Identity(uuid.uuid4(), role),
            document=WEEK,
            if_match='"1"',
            clock=CLOCK,
        )

    assert (
        schedules.replace_schedule(
            uow, doctor_id=doctor.id, actor=ADMIN, document=WEEK, if_match='"1"', clock=CLOCK
        ).schedule_version
        == 2
    )


def test_changing_the_time_zone_in_the_profile_moves_the_schedule_and_its_etag() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    doctor = profiles.update_profile(
        uow, doctor_id=None, actor=me, changes={"time_zone": "Asia/Tokyo"}, clock=CLOCK
    )

    assert doctor.schedule.time_zone == "Asia/Tokyo"
    assert doctor.schedule_etag == '"2"'
    assert uow.outbox.committed[-1].payload["doctor"]["time_zone"] == "Asia/Tokyo"


def test_time_off_is_added_and_removed_with_an_event_each() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    entry = time_off.add_time_off(
        uow, doctor_id=None, actor=me, document={"start_date": "2099-12-24"}, clock=CLOCK
    )
    time_off.remove_time_off(uow, doctor_id=None, actor=me, entry_id=entry.id, clock=CLOCK)

    assert [e.type.value for e in uow.outbox.committed][1:] == [
        "doctor.time_off_added",
        "doctor.time_off_removed",
    ]
    with pytest.raises(NotFound):
        time_off.remove_time_off(uow, doctor_id=None, actor=me, entry_id=entry.id, clock=CLOCK)


def test_custom_hours_may_not_overlap_other_custom_hours_on_the_same_date() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    hours = {"kind": "custom_hours", "start_date": "2099-12-27", "start_time": "10:00", "end_time": "12:00"}
    time_off.add_time_off(uow, doctor_id=None, actor=me, document=hours, clock=CLOCK)

    with pytest.raises(ValidationFailed):
        time_off.add_time_off(
            uow,
            doctor_id=None,
            actor=me,
            document={**hours, "start_time": "11:00", "end_time": "13:00"},
            clock=CLOCK,
        )


def test_a_doctor_without_a_profile_is_told_so() -> None:
    with pytest.raises(NotFound):
        directory.get_doctor(FakeUnitOfWork(), doctor_id=None, actor=Identity(uuid.uuid4(), "doctor"))


def test_search_pages_must_be_sensible() -> None:
    with pytest.raises(ValidationFailed):
        directory.search_doctors(FakeUnitOfWork(), query=DirectoryQuery(page=0))


def test_a_consumer_rebuilds_the_same_schedule_and_time_off_from_an_event_payload() -> None:
    from hospital_shared.schedule import TimeOff, WeeklySchedule

    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK)
    time_off.add_time_off(
        uow,
        doctor_id=None,
        actor=me,
        document={"start_date": "2099-12-24", "start_time": "09:00", "end_time": "12:00"},
        clock=CLOCK,
    )
    payload = uow.outbox.committed[-1].payload
    doctor = directory.get_doctor(uow, doctor_id=None, actor=me)

    assert WeeklySchedule.from_document(payload["schedule"]) == doctor.schedule
    assert [TimeOff.from_document(entry) for entry in payload["time_off"]] == doctor.time_off


def test_every_committed_change_makes_the_public_answers_stale_after_its_commit() -> None:
    from doctor_service.domain.doctor import Specialization

    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    profiles.update_profile(uow, doctor_id=None, actor=me, changes={"clinic": "Herzzentrum"}, clock=CLOCK)
    schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK)
    entry = time_off.add_time_off(
        uow, doctor_id=None, actor=me, document={"start_date": "2099-12-24"}, clock=CLOCK
    )
    time_off.remove_time_off(uow, doctor_id=None, actor=me, entry_id=entry.id, clock=CLOCK)
    catalog.ensure_specializations(uow, specializations=[Specialization("oncology", "Oncology", 30)])

    # one invalidation per change, each once its event was committed (a refill then sees the change)
    assert uow.directory.invalidated_after == [1, 2, 3, 4, 5, 5]


def test_a_refused_change_leaves_the_public_answers_alone() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    with pytest.raises(PreconditionFailed):
        schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"9"', clock=CLOCK)
    with pytest.raises(ValidationFailed):
        profiles.update_profile(
            uow, doctor_id=None, actor=me, changes={"languages": ["not a code"]}, clock=CLOCK
        )
    directory.search_doctors(uow, query=DirectoryQuery(specialization="cardiology"))

    assert uow.directory.invalidated_after == [1]
