"""Directory integrity with fakes: unchanged writes change nothing, who may be a doctor, who is listed."""

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from doctor_service.ports import Account, DirectoryQuery
from doctor_service.service_layer import directory, profiles, schedules, time_off
from doctor_service.service_layer.accounts import apply_account_events
from hospital_shared.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ServiceUnavailable,
    ValidationFailed,
)
from hospital_shared.events import StreamEvent
from hospital_shared.identity import Identity
from hospital_testing import FixedClock

from ..fakes import CLOCK, FakeAccounts, FakeUnitOfWork

ADMIN = Identity(uuid.uuid4(), "admin")
PROFILE = {"full_name": "Dr. Anna Weber", "specializations": ["cardiology"], "time_zone": "Europe/Berlin"}
WEEK = {"time_zone": "Europe/Berlin", "weekly": {"monday": [{"start": "09:00", "end": "17:00"}]}}
STREAM = "account-events"


def new_doctor(uow: FakeUnitOfWork, accounts: FakeAccounts | None = None):
    user_id = uuid.uuid4()
    doctor = profiles.create_doctor(
        uow, user_id=user_id, profile=PROFILE, accounts=accounts or FakeAccounts(), clock=CLOCK
    )
    return doctor, Identity(user_id, "doctor")


def listed(uow: FakeUnitOfWork, **query) -> list[uuid.UUID]:
    return [d.id for d in directory.search_doctors(uow, query=DirectoryQuery(**query), actor=ADMIN).items]


def account_event(
    stream_id: str, user_id: uuid.UUID, *, disabled: bool = False, role: str | None = None
) -> StreamEvent:
    kind = "account.role_changed" if role else "account.disabled" if disabled else "account.enabled"
    payload = {
        "schema_version": 1,
        "type": kind,
        "user_id": str(user_id),
        "version": 2,
        "occurred_at": datetime.now(UTC).isoformat(),
        "account": {"id": str(user_id), "role": role or "doctor", "disabled": disabled},
    }
    return StreamEvent(stream_id, str(uuid.uuid4()), kind, str(user_id), 2, payload["occurred_at"], payload)


def test_an_unchanged_schedule_put_keeps_the_version_and_writes_no_event() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    first = schedules.replace_schedule(
        uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK
    )

    again = schedules.replace_schedule(
        uow, doctor_id=None, actor=me, document=WEEK, if_match=first.schedule_etag, clock=CLOCK
    )

    assert (again.schedule_etag, again.version) == ('"2"', 2)
    assert len(uow.outbox.committed) == 2


def test_an_unchanged_schedule_put_still_needs_the_current_etag() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK)

    with pytest.raises(PreconditionFailed):
        schedules.replace_schedule(uow, doctor_id=None, actor=me, document=WEEK, if_match='"1"', clock=CLOCK)


def test_a_profile_sent_back_unchanged_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)
    read_back = {
        **PROFILE,
        "id": str(doctor.id),
        "user_id": str(doctor.user_id),
        "bio": "",
        "languages": ["en"],
    }

    patched = profiles.update_profile(uow, doctor_id=None, actor=me, changes=read_back, clock=CLOCK)
    put = profiles.replace_profile(
        uow, doctor_id=None, actor=me, document=read_back, if_match='"1"', clock=CLOCK
    )

    assert (patched.version, put.version) == (1, 1)
    assert len(uow.outbox.committed) == 1


def test_a_whole_profile_put_needs_if_match_and_resets_what_it_leaves_out() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    profiles.update_profile(uow, doctor_id=None, actor=me, changes={"bio": "Heart doctor."}, clock=CLOCK)

    with pytest.raises(PreconditionRequired):
        profiles.replace_profile(uow, doctor_id=None, actor=me, document=PROFILE, if_match=None, clock=CLOCK)
    with pytest.raises(PreconditionFailed):
        profiles.replace_profile(uow, doctor_id=None, actor=me, document=PROFILE, if_match='"1"', clock=CLOCK)
    replaced = profiles.replace_profile(
        uow, doctor_id=None, actor=me, document=PROFILE, if_match="2", clock=CLOCK
    )

    assert (replaced.bio, replaced.version) == ("", 3)


def test_a_patch_honours_if_match_when_sent() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    with pytest.raises(PreconditionFailed):
        profiles.update_profile(
            uow, doctor_id=None, actor=me, changes={"bio": "x"}, if_match='"7"', clock=CLOCK
        )


def test_a_differing_id_or_user_id_in_a_profile_is_refused() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    with pytest.raises(ValidationFailed) as caught:
        profiles.update_profile(
            uow,
            doctor_id=None,
            actor=me,
            changes={"id": str(uuid.uuid4()), "user_id": str(uuid.uuid4())},
            clock=CLOCK,
        )
    assert set(caught.value.errors) == {"id", "user_id"}


@pytest.mark.parametrize(
    ("account", "message"),
    [(None, "No Auth-MS account"), (Account(uuid.uuid4(), "patient", False), "patient account")],
)
def test_only_an_existing_doctor_account_may_become_a_doctor(account, message) -> None:
    uow, accounts, user_id = FakeUnitOfWork(), FakeAccounts(), uuid.uuid4()
    accounts.known[user_id] = account

    with pytest.raises(ValidationFailed) as caught:
        profiles.create_doctor(uow, user_id=user_id, profile=PROFILE, accounts=accounts, clock=CLOCK)

    assert message in caught.value.errors["user_id"][0]
    assert uow.outbox.committed == [] and uow.doctors.committed == {}


def test_with_auth_ms_down_no_doctor_is_created() -> None:
    uow, accounts = FakeUnitOfWork(), FakeAccounts()
    accounts.down = True

    with pytest.raises(ServiceUnavailable):
        profiles.create_doctor(uow, user_id=uuid.uuid4(), profile=PROFILE, accounts=accounts, clock=CLOCK)
    assert uow.doctors.committed == {}


def test_a_deactivated_doctor_leaves_the_directory_but_stays_readable_by_admins_and_themself() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    profiles.set_doctor_active(uow, doctor_id=doctor.id, actor=ADMIN, active=False, clock=CLOCK)

    assert listed(uow) == []
    assert listed(uow, include_unlisted=True) == [doctor.id]
    assert directory.get_doctor(uow, doctor_id=doctor.id, actor=ADMIN).active is False
    assert directory.get_doctor(uow, doctor_id=None, actor=me).active is False
    with pytest.raises(NotFound):
        directory.get_doctor(uow, doctor_id=doctor.id)
    event = uow.outbox.committed[-1]
    assert (event.type.value, event.payload["doctor"]["active"]) == ("doctor.deactivated", False)


def test_only_admins_deactivate_and_list_inactive_doctors() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    with pytest.raises(Forbidden):
        profiles.set_doctor_active(uow, doctor_id=doctor.id, actor=me, active=False, clock=CLOCK)
    with pytest.raises(Forbidden):
        directory.search_doctors(uow, query=DirectoryQuery(include_unlisted=True), actor=me)


def test_deactivating_twice_writes_one_event() -> None:
    uow = FakeUnitOfWork()
    doctor, _ = new_doctor(uow)

    profiles.set_doctor_active(uow, doctor_id=doctor.id, actor=ADMIN, active=False, clock=CLOCK)
    profiles.set_doctor_active(uow, doctor_id=doctor.id, actor=ADMIN, active=False, clock=CLOCK)

    assert [e.type.value for e in uow.outbox.committed] == ["doctor.created", "doctor.deactivated"]


def test_a_disabled_account_hides_its_doctor_until_enabled_again() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    apply_account_events(
        uow, events=[account_event("1-0", me.user_id, disabled=True)], stream=STREAM, clock=CLOCK
    )
    hidden = listed(uow)
    apply_account_events(
        uow, events=[account_event("2-0", me.user_id, disabled=False)], stream=STREAM, clock=CLOCK
    )

    assert (hidden, listed(uow)) == ([], [doctor.id])
    assert [e.type.value for e in uow.outbox.committed][-2:] == [
        "doctor.account_disabled",
        "doctor.account_enabled",
    ]
    assert uow.account_cursor.committed[STREAM] == "2-0"


def test_an_enabled_account_of_a_deactivated_doctor_stays_hidden() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)
    profiles.set_doctor_active(uow, doctor_id=doctor.id, actor=ADMIN, active=False, clock=CLOCK)

    apply_account_events(
        uow, events=[account_event("1-0", me.user_id, disabled=True)], stream=STREAM, clock=CLOCK
    )
    apply_account_events(
        uow, events=[account_event("2-0", me.user_id, disabled=False)], stream=STREAM, clock=CLOCK
    )

    assert listed(uow) == []


def test_an_account_turned_patient_hides_its_doctor_until_it_is_a_doctor_account_again() -> None:
    uow = FakeUnitOfWork()
    doctor, me = new_doctor(uow)

    apply_account_events(
        uow, events=[account_event("1-0", me.user_id, role="patient")], stream=STREAM, clock=CLOCK
    )
    hidden = listed(uow)
    apply_account_events(
        uow, events=[account_event("2-0", me.user_id, role="doctor")], stream=STREAM, clock=CLOCK
    )

    assert (hidden, listed(uow)) == ([], [doctor.id])
    assert [(e.type.value, e.payload["doctor"]["active"]) for e in uow.outbox.committed][-2:] == [
        ("doctor.account_role_changed", False),
        ("doctor.account_role_changed", True),
    ]


def test_a_deactivated_or_disabled_doctor_stays_hidden_when_their_account_is_a_doctor_account_again() -> None:
    uow = FakeUnitOfWork()
    deactivated, first = new_doctor(uow)
    _, second = new_doctor(uow)
    profiles.set_doctor_active(uow, doctor_id=deactivated.id, actor=ADMIN, active=False, clock=CLOCK)
    events = [
        account_event("1-0", first.user_id, role="admin"),
        account_event("2-0", second.user_id, role="admin", disabled=True),
        account_event("3-0", first.user_id, role="doctor"),
        account_event("4-0", second.user_id, role="doctor", disabled=True),
    ]

    apply_account_events(uow, events=events, stream=STREAM, clock=CLOCK)

    assert listed(uow) == []


def test_repeated_account_events_change_nothing_twice() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    event = account_event("1-0", me.user_id, disabled=True)

    changed = [apply_account_events(uow, events=[event], stream=STREAM, clock=CLOCK) for _ in range(2)]

    assert changed == [1, 0]


def test_a_batch_read_after_a_stale_cursor_is_not_applied() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    apply_account_events(
        uow, events=[account_event("5-0", me.user_id, disabled=False)], stream=STREAM, clock=CLOCK
    )

    applied = apply_account_events(
        uow, events=[account_event("3-0", me.user_id, disabled=True)], stream=STREAM, after="2-0", clock=CLOCK
    )

    assert (applied, listed(uow) != []) == (0, True)


def test_events_of_accounts_without_a_doctor_are_skipped() -> None:
    uow = FakeUnitOfWork()

    assert (
        apply_account_events(
            uow, events=[account_event("1-0", uuid.uuid4(), disabled=True)], stream=STREAM, clock=CLOCK
        )
        == 0
    )
    assert json.dumps(uow.account_cursor.committed) == '{"account-events": "1-0"}'


def test_time_off_in_the_past_is_refused() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)

    with pytest.raises(ValidationFailed) as caught:
        time_off.add_time_off(
            uow, doctor_id=None, actor=me, document={"start_date": "2020-01-01"}, clock=CLOCK
        )
    assert list(caught.value.errors) == ["start_date"]


def test_time_off_overlapping_other_time_off_is_refused() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)
    time_off.add_time_off(
        uow,
        doctor_id=None,
        actor=me,
        document={"start_date": "2099-12-24", "end_date": "2099-12-26"},
        clock=CLOCK,
    )

    with pytest.raises(ValidationFailed) as caught:
        time_off.add_time_off(
            uow, doctor_id=None, actor=me, document={"start_date": "2099-12-26"}, clock=CLOCK
        )
    assert list(caught.value.errors) == ["start_date"]


def test_time_off_may_start_on_the_doctors_today_by_the_clock_and_its_event_is_stamped_then() -> None:
    uow = FakeUnitOfWork()
    _, me = new_doctor(uow)  # in Europe/Berlin
    late = FixedClock(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # 2 December already, in Berlin

    with pytest.raises(ValidationFailed) as caught:
        time_off.add_time_off(
            uow, doctor_id=None, actor=me, document={"start_date": "2026-12-01"}, clock=late
        )
    entry = time_off.add_time_off(
        uow, doctor_id=None, actor=me, document={"start_date": "2026-12-02"}, clock=late
    )

    assert "2026-12-02" in caught.value.errors["start_date"][0]
    assert entry.start_date == date(2026, 12, 2)
    assert uow.outbox.committed[-1].occurred_at == late.now()
