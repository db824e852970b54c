"""Appointment types: defaults from the specializations, overrides, unique codes."""

from hospital_shared.schedule import (
    AppointmentType,
    WeeklySchedule,
)

from .helpers import errors_of


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
