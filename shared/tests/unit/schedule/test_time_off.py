"""Time off and custom hours: how they change a day, and how an entry is validated."""

import uuid
from datetime import date

import pytest

from hospital_shared.schedule import (
    InvalidSchedule,
    TimeOff,
    TimeOffKind,
    UtcInterval,
    WorkingWindow,
)

from .helpers import MONDAY_9_TO_5, schedule, utc


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
