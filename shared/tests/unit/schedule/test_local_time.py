"""Local wall-clock windows expand to exact UTC time across time zones and DST changes."""

from datetime import date, timedelta

import pytest

from hospital_shared.schedule import (
    UtcInterval,
    WeeklySchedule,
)

from .helpers import BERLIN, MONDAY_9_TO_5, schedule, utc


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
