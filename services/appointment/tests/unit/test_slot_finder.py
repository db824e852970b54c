"""The slot finder as a pure function of doctors, busy time and a fixed `now`."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.slots import (
    Busy,
    Candidate,
    DoctorLoad,
    Exclusion,
    Slot,
    SlotRequest,
    TimeOfDay,
    candidates_for,
    free_slots,
    free_starts,
    is_bookable,
    rank,
)
from hospital_shared.schedule import AppointmentType

from ..builders import doctor_snapshot

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)  # a Sunday; the week after is an ordinary winter week
MONDAY = date(2027, 1, 4)
MORNINGS = {
    day: [{"start": "08:00", "end": "12:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def clocks(first: str, last: str, step: int = 15) -> list[str]:
    """Local clock labels from first to last (both included), every `step` minutes."""
    h, m = map(int, first.split(":"))
    minute, labels = h * 60 + m, []
    while f"{minute // 60:02d}:{minute % 60:02d}" <= last:
        labels.append(f"{minute // 60:02d}:{minute % 60:02d}")
        minute += step
    return labels


MORNING_STARTS = clocks("08:00", "11:30")


def at(day: date, clock: str, zone: ZoneInfo = BERLIN) -> datetime:
    """The UTC instant of a wall-clock time on a local date (fold=0, as the schedule reads it)."""
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def doctor(snapshot: dict[str, Any] | None = None, **fields: Any) -> BookableDoctor:
    snapshot = snapshot or doctor_snapshot(**fields)
    return BookableDoctor.from_snapshot(snapshot, version=snapshot["version"])


def request(**fields: Any) -> SlotRequest:
    return SlotRequest(start=NOW, end=NOW + timedelta(days=30), limit=10, **fields)


def candidate(bookable: BookableDoctor, **fields: Any) -> Candidate:
    chosen, excluded = candidates_for(request(**fields), [bookable], known_doctor_ids=None)
    assert chosen, f"the doctor was excluded: {excluded}"
    return chosen[0]


def starts(
    bookable: BookableDoctor,
    *,
    first_day: date = MONDAY,
    days: int = 1,
    busy: Sequence[Busy] = (),
    now: datetime = NOW,
    time_of_day: TimeOfDay | None = None,
) -> list[datetime]:
    zone = bookable.schedule.zone
    return free_starts(
        candidate(bookable),
        sorted(busy),
        start=at(first_day, "00:00", zone),
        end=at(first_day + timedelta(days=days), "00:00", zone),
        now=now,
        time_of_day=time_of_day,
    )


def local_clock(moments: Sequence[datetime], zone: ZoneInfo = BERLIN) -> list[str]:
    return [m.astimezone(zone).strftime("%H:%M") for m in moments]


def utc_clock(moments: Sequence[datetime]) -> list[str]:
    return [m.astimezone(UTC).strftime("%H:%M") for m in moments]


# -- the grid, windows and busy time -------------------------------------------------------------------


def test_slots_start_on_the_window_start_plus_whole_steps_and_fit_inside_the_window() -> None:
    bookable = doctor(weekly={"monday": [{"start": "08:10", "end": "09:30"}]}, step=20, duration=40)

    assert local_clock(starts(bookable)) == ["08:10", "08:30", "08:50"]


def test_a_search_starting_between_grid_points_begins_at_the_next_grid_point() -> None:
    bookable = doctor(weekly=MORNINGS)

    found = free_starts(candidate(bookable), [], start=at(MONDAY, "08:17"), end=at(MONDAY, "09:00"), now=NOW)

    assert local_clock(found) == ["08:30", "08:45"]  # starts inside [from, to); the visit may end later


def test_a_visit_longer_than_what_is_left_of_the_window_is_not_offered() -> None:
    bookable = doctor(weekly={"monday": [{"start": "08:00", "end": "09:00"}]}, duration=45)

    assert local_clock(starts(bookable)) == ["08:00", "08:15"]


def test_the_buffer_is_kept_after_a_busy_block_and_before_the_next_one() -> None:
    bookable = doctor(weekly=MORNINGS, buffer=10, duration=30)
    booked = Busy(at(MONDAY, "09:00"), at(MONDAY, "09:40"))  # 09:00-09:30 plus its 10-minute buffer

    found = local_clock(starts(bookable, busy=[booked]))

    # 08:15 + 30 min + 10 min buffer ends 08:55; 08:30 would leave no buffer before 09:00.
    assert found[:3] == ["08:00", "08:15", "09:45"]
    assert "08:30" not in found and "09:30" not in found


def test_a_busy_block_ending_exactly_at_a_grid_point_leaves_that_point_free() -> None:
    bookable = doctor(weekly=MORNINGS)
    booked = Busy(at(MONDAY, "08:00"), at(MONDAY, "08:30"))

    assert local_clock(starts(bookable, busy=[booked]))[:2] == ["08:30", "08:45"]


def test_nothing_starts_before_now_plus_the_minimum_notice() -> None:
    bookable = doctor(weekly=MORNINGS, notice=60)
    now = at(MONDAY, "08:10")

    assert local_clock(starts(bookable, now=now))[0] == "09:15"


def test_nothing_is_offered_beyond_the_booking_horizon() -> None:
    bookable = doctor(weekly=MORNINGS, horizon=1)  # now is Sunday: Monday is the last bookable day

    found = starts(bookable, days=3)

    assert found
    assert {moment.astimezone(BERLIN).date() for moment in found} == {MONDAY}


def test_a_whole_day_off_has_no_slots_and_the_next_day_is_untouched() -> None:
    bookable = doctor(weekly=MORNINGS, time_off=[{"kind": "time_off", "start_date": "2027-01-04"}])

    found = starts(bookable, days=2)

    assert {moment.astimezone(BERLIN).date() for moment in found} == {MONDAY + timedelta(days=1)}


def test_some_hours_off_take_only_those_hours_out() -> None:
    time_off = [{"kind": "time_off", "start_date": "2027-01-04", "start_time": "10:00", "end_time": "14:00"}]
    bookable = doctor(time_off=time_off)  # 08:00-12:00 and 13:00-17:00

    found = local_clock(starts(bookable))

    assert found == clocks("08:00", "09:30") + clocks("14:00", "16:30")


def test_custom_hours_replace_the_weekday_windows_for_that_date() -> None:
    custom = [
        {"kind": "custom_hours", "start_date": "2027-01-09", "start_time": "10:00", "end_time": "11:00"}
    ]
    bookable = doctor(time_off=custom)
    saturday = date(2027, 1, 9)

    assert local_clock(starts(bookable, first_day=saturday)) == ["10:00", "10:15", "10:30"]
    assert local_clock(starts(doctor(), first_day=saturday)) == []


def test_time_of_day_is_read_in_the_doctors_local_time() -> None:
    new_york = ZoneInfo("America/New_York")
    bookable = doctor(time_zone="America/New_York", weekly={"monday": [{"start": "09:00", "end": "17:00"}]})

    morning = starts(bookable, time_of_day=TimeOfDay.MORNING)
    afternoon = starts(bookable, time_of_day=TimeOfDay.AFTERNOON)

    assert local_clock(morning, new_york)[0] == "09:00" and local_clock(morning, new_york)[-1] == "11:45"
    assert utc_clock(morning)[0] == "14:00"  # 09:00 in New York in winter
    assert local_clock(afternoon, new_york)[0] == "12:00" and local_clock(afternoon, new_york)[-1] == "16:30"
    assert starts(bookable, time_of_day=TimeOfDay.EVENING) == []


# -- who answers, and with which visit -----------------------------------------------------------------


def test_a_doctor_who_does_not_speak_the_language_asked_for_is_left_out() -> None:
    bookable = doctor(languages=("de", "en"))

    chosen, excluded = candidates_for(request(language="fr"), [bookable], known_doctor_ids=None)
    speaking, _ = candidates_for(request(language="de"), [bookable], known_doctor_ids=None)

    assert chosen == [] and excluded == {Exclusion.LANGUAGE}
    assert [c.doctor.id for c in speaking] == [bookable.id]


def test_a_doctor_not_accepting_new_patients_answers_only_patients_who_have_seen_them() -> None:
    bookable = doctor(accepting_new_patients=False)

    anonymous, excluded = candidates_for(request(), [bookable], known_doctor_ids=None)
    stranger, _ = candidates_for(request(), [bookable], known_doctor_ids=frozenset({uuid.uuid4()}))
    known, _ = candidates_for(request(), [bookable], known_doctor_ids=frozenset({bookable.id}))

    assert anonymous == [] and stranger == [] and excluded == {Exclusion.NOT_ACCEPTING}
    assert [c.doctor.id for c in known] == [bookable.id]


def test_a_doctor_without_the_specialization_asked_for_is_not_a_candidate() -> None:
    chosen, excluded = candidates_for(
        request(specialization="neurology"), [doctor(specializations=("cardiology",))], known_doctor_ids=None
    )

    assert chosen == [] and excluded == set()


def with_types(
    snapshot: dict[str, Any], *types: tuple[str, int], default: int | None = None
) -> dict[str, Any]:
    snapshot["schedule"]["appointment_types"] = [
        {"code": code, "name": code.title(), "duration_minutes": minutes} for code, minutes in types
    ]
    if default is not None:
        snapshot["doctor"]["specializations"][0]["default_duration_minutes"] = default
    return snapshot


def visit(bookable: BookableDoctor, **asked: Any) -> AppointmentType | None:
    chosen, _ = candidates_for(
        request(specialization="cardiology", **asked), [bookable], known_doctor_ids=None
    )
    return chosen[0].appointment_type if chosen else None


def test_a_requested_duration_must_be_one_the_doctor_offers() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("cardiology", 30), ("follow-up", 15)))

    chosen, excluded = candidates_for(
        request(specialization="cardiology", duration_minutes=45), [bookable], known_doctor_ids=None
    )

    assert chosen == [] and excluded == {Exclusion.VISIT_NOT_OFFERED}
    assert visit(bookable, duration_minutes=15) == AppointmentType("follow-up", "Follow-Up", 15)
    assert visit(bookable, duration_minutes=30) == AppointmentType("cardiology", "Cardiology", 30)


def test_a_named_appointment_type_sets_the_duration() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("cardiology", 30), ("follow-up", 15)))

    assert visit(bookable, appointment_type="follow-up") == AppointmentType("follow-up", "Follow-Up", 15)
    assert visit(bookable, appointment_type="follow-up", duration_minutes=30) is None
    assert visit(bookable, appointment_type="surgery") is None


def test_without_a_request_the_doctors_own_type_for_the_specialization_wins_over_the_default() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("follow-up", 15), ("cardiology", 30), default=45))

    assert visit(bookable) == AppointmentType("cardiology", "Cardiology", 30)


def test_without_an_own_type_the_specialization_default_is_the_visit() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("follow-up", 15), default=45))

    assert visit(bookable) == AppointmentType("cardiology", "Cardiology consultation", 45)


def test_asking_for_the_specialization_default_duration_offers_the_default_visit() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("follow-up", 15), default=45))

    assert visit(bookable, duration_minutes=45) == AppointmentType(
        "cardiology", "Cardiology consultation", 45
    )


def test_the_specialization_default_visit_can_be_asked_for_by_its_code() -> None:
    bookable = doctor(with_types(doctor_snapshot(), ("follow-up", 15), default=45))

    assert visit(bookable, appointment_type="cardiology") == visit(bookable)


# -- is_bookable -----------------------------------------------------------------------------------------


def test_a_start_on_the_grid_inside_working_hours_is_bookable() -> None:
    assert is_bookable(candidate(doctor()), [], start=at(MONDAY, "08:45"), now=NOW)


def test_a_start_off_the_grid_is_not_bookable() -> None:
    assert not is_bookable(candidate(doctor()), [], start=at(MONDAY, "08:50"), now=NOW)


def test_a_start_in_the_past_or_inside_the_notice_is_not_bookable() -> None:
    c = candidate(doctor(notice=60))

    assert not is_bookable(c, [], start=at(MONDAY, "08:45"), now=at(MONDAY, "09:00"))
    assert not is_bookable(c, [], start=at(MONDAY, "09:30"), now=at(MONDAY, "09:00"))
    assert is_bookable(c, [], start=at(MONDAY, "10:00"), now=at(MONDAY, "09:00"))


def test_a_start_beyond_the_booking_horizon_is_not_bookable() -> None:
    c = candidate(doctor(horizon=1))

    assert is_bookable(c, [], start=at(MONDAY, "08:00"), now=NOW)
    assert not is_bookable(c, [], start=at(MONDAY + timedelta(days=1), "08:00"), now=NOW)


def test_a_start_that_overlaps_busy_time_is_not_bookable() -> None:
    busy = [Busy(at(MONDAY, "09:00"), at(MONDAY, "09:30"))]

    assert not is_bookable(candidate(doctor()), busy, start=at(MONDAY, "08:45"), now=NOW)
    assert is_bookable(candidate(doctor()), busy, start=at(MONDAY, "08:30"), now=NOW)


# -- daylight saving time (Europe/Berlin, 2027) ---------------------------------------------------------


def dst_doctor(weekly: dict[str, list[dict[str, str]]] = MORNINGS) -> BookableDoctor:
    return doctor(weekly=weekly, horizon=366)


@pytest.mark.parametrize(
    ("before", "after", "utc_before", "utc_after"),
    [
        (date(2027, 3, 22), date(2027, 3, 29), "07:00", "06:00"),  # spring forward on Sunday 28 March
        (date(2027, 10, 25), date(2027, 11, 1), "06:00", "07:00"),  # fall back on Sunday 31 October
    ],
    ids=["spring", "autumn"],
)
def test_slots_keep_their_local_times_across_a_dst_change_and_move_by_an_hour_in_utc(
    before: date, after: date, utc_before: str, utc_after: str
) -> None:
    bookable = dst_doctor()

    for monday, utc_first in ((before, utc_before), (after, utc_after)):
        week = starts(bookable, first_day=monday, days=5)
        by_day = {d: [t for t in week if t.astimezone(BERLIN).date() == d] for d in _weekdays(monday)}
        for day, found in by_day.items():
            assert local_clock(found) == MORNING_STARTS, day
            assert utc_clock(found)[0] == utc_first, day


@pytest.mark.parametrize(
    ("thursday", "utc_before", "utc_after"),
    [(date(2027, 3, 25), "07:00", "06:00"), (date(2027, 10, 28), "06:00", "07:00")],
    ids=["spring", "autumn"],
)
def test_a_search_window_containing_the_change_gives_the_same_local_times_on_both_sides(
    thursday: date, utc_before: str, utc_after: str
) -> None:
    found = starts(dst_doctor(), first_day=thursday, days=6)  # Thursday to Tuesday, change on Sunday

    days = sorted({t.astimezone(BERLIN).date() for t in found})
    assert [d.strftime("%a") for d in days] == ["Thu", "Fri", "Mon", "Tue"]
    for day in days:
        on_day = [t for t in found if t.astimezone(BERLIN).date() == day]
        assert local_clock(on_day) == MORNING_STARTS
        assert utc_clock(on_day)[0] == (utc_before if day < thursday + timedelta(days=3) else utc_after)


def _weekdays(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(5)]


NIGHT = {"sunday": [{"start": "01:00", "end": "04:00"}]}


def test_a_window_over_the_spring_gap_lasts_two_real_hours_and_skips_the_missing_hour() -> None:
    spring = date(2027, 3, 28)

    found = starts(dst_doctor(NIGHT), first_day=spring)

    # 01:00 CET is 00:00 UTC, 04:00 CEST is 02:00 UTC; 02:xx does not exist that night.
    assert utc_clock(found) == ["00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30"]
    assert local_clock(found) == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30"]


def test_a_window_over_the_autumn_repeat_lasts_four_real_hours_and_offers_the_repeated_hour_twice() -> None:
    autumn = date(2027, 10, 31)

    found = starts(dst_doctor(NIGHT), first_day=autumn)

    # 01:00 CEST is 23:00 UTC the day before, 04:00 CET is 03:00 UTC; the last 30-minute visit: 02:30 UTC.
    assert found[0] == datetime(2027, 10, 30, 23, 0, tzinfo=UTC)
    assert found[-1] == datetime(2027, 10, 31, 2, 30, tzinfo=UTC)
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(found))
    labels = [t.astimezone(BERLIN).strftime("%H:%M %Z") for t in found]
    assert labels.count("02:00 CEST") == 1 and labels.count("02:00 CET") == 1


# -- ranking ---------------------------------------------------------------------------------------------


def two_cardiologists() -> tuple[BookableDoctor, BookableDoctor]:
    return doctor(name="Dr. Anna Weber"), doctor(name="Dr. Ben Okafor")


def first_two(
    loads: dict[uuid.UUID, DoctorLoad],
    *doctors: BookableDoctor,
    busy: dict[uuid.UUID, list[Busy]] | None = None,
) -> list[Slot]:
    slots = free_slots(
        [candidate(d) for d in doctors],
        busy or {},
        start=at(MONDAY, "00:00"),
        end=at(MONDAY, "09:00"),
        now=NOW,
    )
    return rank(slots, loads, limit=2, subject="cardiology")


def test_among_doctors_free_at_the_same_start_the_less_booked_ranks_first_and_says_so() -> None:
    weber, okafor = two_cardiologists()
    loads = {weber.id: DoctorLoad(580, 1000), okafor.id: DoctorLoad(310, 1000)}

    leader, follower = first_two(loads, weber, okafor)

    assert leader.start == follower.start == at(MONDAY, "08:00")
    assert leader.doctor.id == okafor.id
    assert leader.rank_reason == (
        "earliest free cardiology slot; Dr. Ben Okafor is less booked this week (31% vs 58%)"
    )
    assert "same start as Dr. Ben Okafor" in follower.rank_reason
    assert "(31% vs 58%)" in follower.rank_reason


def test_equally_booked_doctors_rank_the_one_booked_less_recently_first_and_say_so() -> None:
    weber, okafor = two_cardiologists()
    loads = {
        weber.id: DoctorLoad(400, 1000, last_booked_at=datetime(2027, 1, 2, 9, 0, tzinfo=UTC)),
        okafor.id: DoctorLoad(400, 1000, last_booked_at=datetime(2026, 12, 30, 9, 0, tzinfo=UTC)),
    }

    leader, follower = first_two(loads, weber, okafor)

    assert leader.doctor.id == okafor.id
    assert "equally booked this week (40%)" in leader.rank_reason
    assert leader.rank_reason.endswith("Dr. Ben Okafor was booked less recently")
    assert follower.rank_reason.startswith(
        "next free cardiology slot (2nd earliest); same start as Dr. Ben Okafor"
    )
    assert "booked less recently" in follower.rank_reason


def test_a_doctor_never_booked_counts_as_booked_least_recently() -> None:
    weber, okafor = two_cardiologists()
    loads = {
        weber.id: DoctorLoad(0, 1000, last_booked_at=datetime(2027, 1, 2, tzinfo=UTC)),
        okafor.id: DoctorLoad(0, 1000),
    }

    leader, _ = first_two(loads, weber, okafor)

    assert leader.doctor.id == okafor.id


def test_an_earlier_start_beats_a_lighter_load() -> None:
    weber, okafor = two_cardiologists()
    loads = {weber.id: DoctorLoad(900, 1000), okafor.id: DoctorLoad(0, 1000)}
    okafor_busy = {okafor.id: [Busy(at(MONDAY, "08:00"), at(MONDAY, "08:30"))]}

    leader, follower = first_two(loads, weber, okafor, busy=okafor_busy)

    assert (leader.doctor.id, local_clock([leader.start])) == (weber.id, ["08:00"])
    assert leader.rank_reason == "earliest free cardiology slot; Dr. Anna Weber is 90% booked this week"
    assert follower.rank_reason.startswith("next free cardiology slot (2nd earliest)")


def test_booked_less_recently_compares_instants_not_wall_clocks() -> None:
    weber, okafor = two_cardiologists()
    loads = {
        weber.id: DoctorLoad(400, 1000, last_booked_at=datetime(2027, 1, 2, 10, 0, tzinfo=UTC)),
        # 10:30 in Berlin is 09:30 UTC: booked before Weber was.
        okafor.id: DoctorLoad(400, 1000, last_booked_at=datetime(2027, 1, 2, 10, 30, tzinfo=BERLIN)),
    }

    leader, _ = first_two(loads, weber, okafor)

    assert leader.doctor.id == okafor.id


def test_a_leader_by_a_smaller_share_is_not_said_to_have_been_booked_less_recently() -> None:
    weber, okafor = two_cardiologists()
    loads = {
        # 29.4% and 29.1%: Okafor leads by load although Weber was booked less recently.
        weber.id: DoctorLoad(100, 340, last_booked_at=datetime(2026, 12, 1, tzinfo=UTC)),
        okafor.id: DoctorLoad(99, 340, last_booked_at=datetime(2027, 1, 2, tzinfo=UTC)),
    }

    leader, _ = first_two(loads, weber, okafor)

    assert leader.doctor.id == okafor.id
    assert "booked less recently" not in leader.rank_reason
