"""Doctor-MS's JSON shapes (they also make its OpenAPI document).

These schemas check types and shapes only; the domain checks the rules (overlaps, time zones, steps)
and names the field of each broken rule in the same problem+json `errors` map.
"""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from hospital_shared.schedule import SLOT_STEPS, WEEKDAYS, TimeOffKind

CLOCK = validate.Regexp(r"^\d{2}:\d{2}$", error="Must be a local time HH:MM.")


class SpecializationSchema(Schema):
    slug = fields.String(dump_only=True, metadata={"example": "cardiology"})
    name = fields.String(dump_only=True, metadata={"example": "Cardiology"})
    default_duration_minutes = fields.Integer(dump_only=True, metadata={"example": 30})
    description = fields.String(dump_only=True)


class SpecializationListSchema(Schema):
    items = fields.List(fields.Nested(SpecializationSchema), required=True)


class SpecializationRefSchema(Schema):
    slug = fields.String()
    name = fields.String()


class DoctorSchema(Schema):
    id = fields.UUID(dump_only=True)
    user_id = fields.UUID(dump_only=True)
    full_name = fields.String(dump_only=True)
    specializations = fields.List(fields.Nested(SpecializationRefSchema), dump_only=True)
    bio = fields.String(dump_only=True)
    languages = fields.List(fields.String(), dump_only=True)
    clinic = fields.String(dump_only=True)
    location = fields.String(dump_only=True)
    time_zone = fields.String(dump_only=True)
    photo_url = fields.String(dump_only=True, allow_none=True)
    accepting_new_patients = fields.Boolean(dump_only=True)
    version = fields.Integer(
        dump_only=True, metadata={"description": "Grows with every change of the doctor."}
    )


class DoctorProfileSchema(Schema):
    """Editable profile fields; on PATCH every field is optional."""

    full_name = fields.String(metadata={"maxLength": 120, "example": "Dr. Anna Weber"})
    specializations = fields.List(fields.String(), metadata={"maxItems": 5, "example": ["cardiology"]})
    bio = fields.String(metadata={"maxLength": 2000})
    languages = fields.List(fields.String(), metadata={"maxItems": 10, "example": ["de", "en"]})
    clinic = fields.String(metadata={"maxLength": 120})
    location = fields.String(metadata={"maxLength": 200})
    time_zone = fields.String(metadata={"example": "Europe/Berlin", "description": "IANA time zone name."})
    photo_url = fields.String(allow_none=True, metadata={"maxLength": 500})
    accepting_new_patients = fields.Boolean()


class DoctorCreateSchema(DoctorProfileSchema):
    user_id = fields.UUID(required=True, metadata={"description": "The doctor's Auth-MS user id."})
    full_name = fields.String(required=True, metadata={"maxLength": 120})
    specializations = fields.List(fields.String(), required=True, metadata={"minItems": 1, "maxItems": 5})
    time_zone = fields.String(required=True, metadata={"example": "Europe/Berlin"})


class DoctorSearchQuerySchema(Schema):
    specialization = fields.String(metadata={"description": "Specialization slug, such as cardiology."})
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Words of the name or clinic."}
    )
    accepting_new_patients = fields.Boolean(metadata={"description": "Only doctors taking new patients."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class WindowSchema(Schema):
    start = fields.String(required=True, validate=CLOCK, metadata={"example": "09:00"})
    end = fields.String(
        required=True,
        validate=CLOCK,
        metadata={"example": "17:00", "description": "Exclusive; 24:00 allowed."},
    )


WeeklySchema = Schema.from_dict(
    {day: fields.List(fields.Nested(WindowSchema), load_default=list) for day in WEEKDAYS},
    name="WeeklySchema",
)


class AppointmentTypeSchema(Schema):
    code = fields.String(required=True, metadata={"example": "cardiology"})
    name = fields.String(metadata={"description": "Defaults to the specialization's name for its slug."})
    duration_minutes = fields.Integer(
        metadata={"description": "A multiple of the slot step; defaults to the specialization's default."}
    )


class ScheduleSchema(Schema):
    """The whole weekly schedule, replaced as one document.

    What a GET answers may be sent back unchanged: its read-only fields are checked or ignored, never refused.
    """

    # Loaded (so the use case can check it names the doctor of the URL) yet documented as read-only.
    doctor_id = fields.UUID(
        metadata={
            "readOnly": True,
            "description": "May be sent back as read; it must then be the doctor the URL names.",
        }
    )
    version = fields.Integer(
        dump_only=True,
        metadata={
            "description": "Also sent as the ETag header. Ignored on input: If-Match is the precondition."
        },
    )
    time_zone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    slot_step_minutes = fields.Integer(load_default=15, metadata={"enum": list(SLOT_STEPS)})
    buffer_minutes = fields.Integer(
        load_default=0, metadata={"description": "Free time after each appointment."}
    )
    minimum_notice_minutes = fields.Integer(load_default=60)
    booking_horizon_days = fields.Integer(load_default=60)
    weekly = fields.Nested(WeeklySchema, load_default=dict)
    appointment_types = fields.List(
        fields.Nested(AppointmentTypeSchema),
        load_default=list,
        metadata={"description": "Leave empty for one type per specialization with its default duration."},
    )

    @pre_load
    def _ignore_version(self, data: Any, **_kwargs: Any) -> Any:
        """A schedule read earlier carries its version; If-Match, not the body, says which one was seen."""
        if isinstance(data, Mapping) and "version" in data:
            return {key: value for key, value in data.items() if key != "version"}
        return data


class TimeOffSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(
        load_default=TimeOffKind.TIME_OFF.value,
        validate=validate.OneOf([k.value for k in TimeOffKind]),
        metadata={"description": "time_off: away; custom_hours: these hours replace the weekday's windows."},
    )
    start_date = fields.Date(required=True, metadata={"example": "2026-12-24"})
    end_date = fields.Date(allow_none=True, metadata={"description": "Inclusive; defaults to start_date."})
    start_time = fields.String(
        allow_none=True, validate=CLOCK, metadata={"description": "Omit for whole days."}
    )
    end_time = fields.String(allow_none=True, validate=CLOCK)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class TimeOffListSchema(Schema):
    items = fields.List(fields.Nested(TimeOffSchema), required=True)
