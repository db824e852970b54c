"""A schedule document's broken rules are each named by the field they concern."""

from .helpers import errors_of


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
