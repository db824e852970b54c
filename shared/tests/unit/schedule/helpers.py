"""What the schedule tests build their schedules from."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hospital_shared.schedule import InvalidSchedule, WeeklySchedule

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9_TO_5 = {"monday": [{"start": "09:00", "end": "17:00"}]}


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
