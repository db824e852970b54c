"""The weekly schedule as a whole: clipping, the bookable range, its document."""

from hospital_shared.schedule import (
    UtcInterval,
    WeeklySchedule,
)

from .helpers import MONDAY_9_TO_5, schedule, utc


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
