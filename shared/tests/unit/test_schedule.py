"""The weekly schedule: its rules, and its expansion into concrete UTC time across time zones and DST."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hospital_shared.schedule import (
    AppointmentType,
    InvalidSchedule,
    TimeOff,
    TimeOffKind,
    UtcInterval,
    WeeklySchedule,
    WorkingWindow,
)

BERLIN = ZoneInfo("Europe/Berlin")


def schedule(weekly: dict, **extra) -> WeeklySchedule:
    doc = {
        "time_zone": "Europe/Berlin",
        "appointment_types": [{"code": "consultation", "name": "Consultation", "duration_minutes": 30}],
        "weekly": weekly,
        **extra,
    }
    return WeeklySchedule.from_document(doc)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def errors_of(doc: dict, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(InvalidSchedule) as caught:
        WeeklySchedule.from_document(doc, **kwargs)
    return caught.value.errors


MONDAY_9_TO_5 = {"monday": [{"start": "09:00", "end": "17:00"}]}


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        # the weeks before and after the March change (2026-03-29)
        (date(2026, 3, 23), UtcInterval(utc(2026, 3, 23, 8), utc(2026, 3, 23, 16))),
        (date(2026, 3, 30), UtcInterval(utc(2026, 3, 30, 7), utc(2026, 3, 30, 15))),
        # the weeks before and after the October change (2026-10-25)
        (date(2026, 10, 19), UtcInterval(utc(2026, 10, 19, 7), utc(2026, 10, 19, 15))),
        (date(2026, 10, 26), UtcInterval(utc(2026, 10, 26, 8), utc(2026, 10, 26, 16))),
    ],
)
def test_a_berlin_monday_9_to_5_stays_9_to_5_local_on_both_sides_of_a_dst_change(monday, expected) -> None:
    intervals = schedule(MONDAY_9_TO_5).working_intervals(monday, monday + timedelta(days=6))

    assert intervals == [expected]
    local = (expected.start.astimezone(BERLIN), expected.end.astimezone(BERLIN))
    assert (local[0].hour, local[0].minute, local[1].hour, local[1].minute) == (9, 0, 17, 0)


def test_three_weeks_across_the_march_change_give_three_eight_hour_mondays_at_9_local() -> None:
    intervals = schedule(MONDAY_9_TO_5).working_intervals(date(2026, 3, 16), date(2026, 4, 5))

    assert [i.start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for i in intervals] == [
        "2026-03-16 09:00",
        "2026-03-23 09:00",
        "2026-03-30 09:00",
    ]
    assert {i.minutes for i in intervals} == {480}


def test_a_window_across_the_skipped_spring_hour_lasts_one_real_hour_less() -> None:
    sunday_night = schedule({"sunday": [{"start": "01:00", "end": "04:00"}]})

    [interval] = sunday_night.working_intervals(date(2026, 3, 29), date(2026, 3, 29))

    assert interval == UtcInterval(utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))
    assert interval.minutes == 120


def test_a_window_across_the_repeated_autumn_hour_lasts_one_real_hour_more() -> None:
    sunday_night = schedule({"sunday": [{"start": "01:00", "end": "04:00"}]})

    [interval] = sunday_night.working_intervals(date(2026, 10, 25), date(2026, 10, 25))

    assert interval == UtcInterval(utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))
    assert interval.minutes == 240


def test_the_same_schedule_in_new_york_changes_utc_offset_on_american_dates() -> None:
    doc = {
        "time_zone": "America/New_York",
        "weekly": MONDAY_9_TO_5,
        "appointment_types": [{"code": "visit", "name": "Visit", "duration_minutes": 15}],
    }
    ny = WeeklySchedule.from_document(doc)

    before = ny.working_intervals(date(2026, 3, 2), date(2026, 3, 2))
    after = ny.working_intervals(date(2026, 3, 9), date(2026, 3, 9))  # US change: 2026-03-08

    assert before[0].start == utc(2026, 3, 2, 14)
    assert after[0].start == utc(2026, 3, 9, 13)


def test_a_window_may_end_at_midnight() -> None:
    late = schedule({"friday": [{"start": "18:00", "end": "24:00"}]})

    [interval] = late.working_intervals(date(2026, 1, 9), date(2026, 1, 9))

    assert interval == UtcInterval(utc(2026, 1, 9, 17), utc(2026, 1, 9, 23))


def test_whole_day_time_off_removes_the_day_and_hours_off_cut_a_hole() -> None:
    week = schedule(
        {"monday": [{"start": "09:00", "end": "17:00"}], "tuesday": [{"start": "09:00", "end": "17:00"}]}
    )
    off = [
        TimeOff(uuid.uuid4(), TimeOffKind.TIME_OFF, date(2026, 1, 5), date(2026, 1, 5)),
        TimeOff(
            uuid.uuid4(), TimeOffKind.TIME_OFF, date(2026, 1, 6), date(2026, 1, 6), WorkingWindow(720, 780)
        ),
    ]

    intervals = week.working_intervals(date(2026, 1, 5), date(2026, 1, 6), off)

    assert intervals == [
        UtcInterval(utc(2026, 1, 6, 8), utc(2026, 1, 6, 11)),
        UtcInterval(utc(2026, 1, 6, 12), utc(2026, 1, 6, 16)),
    ]


def test_custom_hours_replace_the_weekdays_windows_on_that_date_only() -> None:
    week = schedule(MONDAY_9_TO_5)
    custom = TimeOff(
        uuid.uuid4(),
        TimeOffKind.CUSTOM_HOURS,
        date(2026, 1, 5),
        date(2026, 1, 5),
        WorkingWindow(14 * 60, 16 * 60),
    )
    saturday = TimeOff(
        uuid.uuid4(), TimeOffKind.CUSTOM_HOURS, date(2026, 1, 10), date(2026, 1, 10), WorkingWindow(600, 660)
    )

    intervals = week.working_intervals(date(2026, 1, 5), date(2026, 1, 12), [custom, saturday])

    assert intervals == [
        UtcInterval(utc(2026, 1, 5, 13), utc(2026, 1, 5, 15)),
        UtcInterval(utc(2026, 1, 10, 9), utc(2026, 1, 10, 10)),
        UtcInterval(utc(2026, 1, 12, 8), utc(2026, 1, 12, 16)),
    ]


def test_intervals_between_two_instants_are_clipped_to_them() -> None:
    week = schedule(MONDAY_9_TO_5)

    intervals = week.working_intervals_between(utc(2026, 1, 5, 10), utc(2026, 1, 5, 12))

    assert intervals == [UtcInterval(utc(2026, 1, 5, 10), utc(2026, 1, 5, 12))]


def test_the_bookable_range_starts_after_the_notice_and_ends_with_the_horizons_last_local_day() -> None:
    week = schedule(MONDAY_9_TO_5, minimum_notice_minutes=120, booking_horizon_days=2)

    window = week.bookable_range(utc(2026, 1, 5, 22, 30))  # 23:30 in Berlin

    assert window.start == utc(2026, 1, 6, 0, 30)
    assert window.end == utc(2026, 1, 7, 23)  # the end of Wednesday 2026-01-07 in Berlin


def test_a_document_round_trips_unchanged() -> None:
    original = schedule(
        {"monday": [{"start": "13:00", "end": "17:00"}, {"start": "08:00", "end": "12:00"}]},
        slot_step_minutes=10,
        buffer_minutes=5,
    )

    assert WeeklySchedule.from_document(original.to_document()) == original
    assert original.to_document()["weekly"]["monday"][0] == {"start": "08:00", "end": "12:00"}


def test_overlapping_windows_are_refused_naming_the_day() -> None:
    doc = {
        "time_zone": "Europe/Berlin",
        "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]},
        "appointment_types": [{"code": "a", "name": "A", "duration_minutes": 30}],
    }

    assert errors_of(doc) == {"weekly.monday": ["Windows overlap: 09:00-12:00 and 11:00-13:00."]}


def test_end_before_start_and_windows_past_midnight_are_refused_on_the_end_field() -> None:
    doc = {
        "time_zone": "UTC",
        "weekly": {"tuesday": [{"start": "17:00", "end": "09:00"}, {"start": "10:00", "end": "10:00"}]},
        "appointment_types": [{"code": "a", "name": "A", "duration_minutes": 30}],
    }

    errors = errors_of(doc)

    assert "past midnight are not supported" in errors["weekly.tuesday[0].end"][0]
    assert errors["weekly.tuesday[1].end"] == ["Must be after the start."]


def test_an_unknown_time_zone_is_refused() -> None:
    doc = {
        "time_zone": "Mars/Olympus_Mons",
        "appointment_types": [{"code": "a", "name": "A", "duration_minutes": 30}],
    }

    assert list(errors_of(doc)) == ["time_zone"]


def test_a_duration_that_is_not_a_multiple_of_the_step_is_refused() -> None:
    doc = {
        "time_zone": "UTC",
        "slot_step_minutes": 15,
        "appointment_types": [{"code": "a", "name": "A", "duration_minutes": 20}],
    }

    assert errors_of(doc) == {
        "appointment_types[0].duration_minutes": [
            "20 minutes is not a multiple of the slot step (15 minutes)."
        ]
    }


def test_bad_clock_texts_steps_and_weekdays_are_each_named() -> None:
    doc = {
        "time_zone": "UTC",
        "slot_step_minutes": 7,
        "buffer_minutes": -5,
        "weekly": {"funday": [], "monday": [{"start": "9am", "end": "25:00"}]},
        "appointment_types": [{"code": "a", "name": "A", "duration_minutes": 30}],
    }

    errors = errors_of(doc)

    assert set(errors) == {
        "slot_step_minutes",
        "buffer_minutes",
        "weekly.funday",
        "weekly.monday[0].start",
        "weekly.monday[0].end",
    }


def test_appointment_types_default_to_the_specializations_and_may_override_the_duration() -> None:
    defaults = [AppointmentType("cardiology", "Cardiology consultation", 30)]

    implicit = WeeklySchedule.from_document({"time_zone": "UTC"}, default_types=defaults)
    overridden = WeeklySchedule.from_document(
        {"time_zone": "UTC", "appointment_types": [{"code": "cardiology", "duration_minutes": 45}]},
        default_types=defaults,
    )

    assert implicit.appointment_types == tuple(defaults)
    assert overridden.appointment_types == (AppointmentType("cardiology", "Cardiology consultation", 45),)


def test_duplicate_appointment_type_codes_are_refused() -> None:
    doc = {
        "time_zone": "UTC",
        "appointment_types": [
            {"code": "a", "name": "A", "duration_minutes": 30},
            {"code": "a", "name": "B", "duration_minutes": 15},
        ],
    }

    assert list(errors_of(doc)) == ["appointment_types[1].code"]


def test_time_off_entries_are_validated_field_by_field() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        TimeOff.from_document({"kind": "holiday", "start_date": "2026-02-30", "start_time": "10:00"})

    assert set(caught.value.errors) == {"kind", "start_date", "end_time"}


def test_custom_hours_need_hours_and_a_single_date() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        TimeOff.from_document({"kind": "custom_hours", "start_date": "2026-02-02", "end_date": "2026-02-03"})

    assert set(caught.value.errors) == {"start_time", "end_date"}


def test_a_time_off_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        TimeOff.from_document({"start_date": "2026-02-05", "end_date": "2026-02-01"})

    assert caught.value.errors == {"end_date": ["Must be on or after start_date."]}
