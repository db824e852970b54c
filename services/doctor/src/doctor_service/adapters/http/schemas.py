"""Doctor-MS's JSON shapes (they also make its OpenAPI document).

These schemas check types and shapes only; the domain checks the rules (overlaps, time zones, steps)
and names the field of each broken rule in the same problem+json `errors` map.
"""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from hospital_shared.schedule import SLOT_STEPS, WEEKDAYS, InvalidSchedule, TimeOffKind, WeeklySchedule
from hospital_shared.schemas import Instant, PageQuerySchema

CLOCK = validate.Regexp(r"^\d{2}:\d{2}$", error="Must be a local time HH:MM.")


class SpecializationSchema(Schema):
    slug = fields.String(dump_only=True, metadata={"example": "cardiology"})
    name = fields.String(dump_only=True, metadata={"example": "Cardiology"})
    default_duration_minutes = fields.Integer(dump_only=True, metadata={"example": 30})
    description = fields.String(dump_only=True)


class SpecializationQuerySchema(PageQuerySchema):
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))


class SpecializationRefSchema(Schema):
    slug = fields.String()
    name = fields.String()


class SpecializationRef(fields.Field):
    """A specialization as input: its slug, or an object with a slug (as a GET answers it; `name` ignored)."""

    # marshmallow formats the message with str.format: the object's braces are doubled to stay literal.
    default_error_messages = {
        "invalid": 'Give a specialization slug such as "cardiology", or an object {{"slug": "cardiology"}}.'
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, Mapping):
            value = value.get("slug")
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return value


SPECIALIZATIONS_INPUT = {
    "maxItems": 5,
    "example": ["cardiology"],
    "description": 'Slugs, or objects with a slug as GET answers them: [{"slug": "cardiology", ...}].',
}


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
        dump_only=True,
        metadata={"description": "Grows with every change of the doctor; also sent as the ETag header."},
    )
    active = fields.Boolean(
        dump_only=True,
        metadata={"description": "False when an admin deactivated the doctor (hidden from the directory)."},
    )
    account_disabled = fields.Boolean(
        dump_only=True,
        metadata={"description": "True while the doctor's Auth-MS account is disabled (hidden as well)."},
    )
    account_role = fields.String(
        dump_only=True,
        metadata={
            "description": "The Auth-MS account's role as last heard: other than doctor hides them as well.",
            "example": "doctor",
        },
    )
    updated_at = fields.DateTime(
        dump_only=True, metadata={"description": "When anything of the doctor last changed (for syncs)."}
    )


class DoctorFieldsSchema(Schema):
    """The editable profile fields (every one optional: PATCH)."""

    full_name = fields.String(metadata={"maxLength": 120, "example": "Dr. Anna Weber"})
    specializations = fields.List(SpecializationRef(), metadata=SPECIALIZATIONS_INPUT)
    bio = fields.String(metadata={"maxLength": 2000})
    languages = fields.List(fields.String(), metadata={"maxItems": 10, "example": ["de", "en"]})
    clinic = fields.String(metadata={"maxLength": 120})
    location = fields.String(metadata={"maxLength": 200})
    time_zone = fields.String(metadata={"example": "Europe/Berlin", "description": "IANA time zone name."})
    photo_url = fields.String(allow_none=True, metadata={"maxLength": 500})
    accepting_new_patients = fields.Boolean()


class DoctorProfileSchema(DoctorFieldsSchema):
    """A profile as sent to PUT or PATCH: what GET answered may come back unchanged.

    The read-only fields are checked (id, user_id, active, account_disabled, account_role must be the
    current ones) or ignored (version, updated_at: If-Match is the precondition)."""

    id = fields.UUID(metadata={"readOnly": True, "description": "May be sent back as read; must then match."})
    user_id = fields.UUID(
        metadata={"readOnly": True, "description": "May be sent back as read; must then match."}
    )
    active = fields.Boolean(metadata={"readOnly": True})
    account_disabled = fields.Boolean(metadata={"readOnly": True})
    account_role = fields.String(metadata={"readOnly": True})

    @pre_load
    def _ignore_version(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if key not in ("version", "updated_at")}
        return data


class DoctorProfilePatchSchema(DoctorProfileSchema):
    """Some fields of a profile (PATCH, with partial=True): its own name in the OpenAPI document."""


class DoctorCreateSchema(DoctorFieldsSchema):
    user_id = fields.UUID(required=True, metadata={"description": "The doctor's Auth-MS user id."})
    full_name = fields.String(required=True, metadata={"maxLength": 120})
    specializations = fields.List(
        SpecializationRef(), required=True, metadata={**SPECIALIZATIONS_INPUT, "minItems": 1}
    )
    time_zone = fields.String(required=True, metadata={"example": "Europe/Berlin"})


class DoctorSearchQuerySchema(PageQuerySchema):
    specialization = fields.String(metadata={"description": "Specialization slug, such as cardiology."})
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Words of the name or clinic."}
    )
    accepting_new_patients = fields.Boolean(metadata={"description": "Only doctors taking new patients."})
    updated_since = Instant(
        metadata={
            "description": "Only doctors changed at or after this moment (ISO 8601 with offset). The list is "
            "then ordered by updated_at, then id (otherwise by name, then id); a nightly sync keeps the "
            "largest updated_at it saw and asks again from a few minutes before it."
        }
    )
    include_inactive = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Admins only: also deactivated doctors and those whose account is disabled."
        },
    )


class WindowSchema(Schema):
    # Shapes only: the domain checks the times themselves (and overlaps), naming each field the same way.
    start = fields.String(required=True, metadata={"example": "09:00", "pattern": r"^\d{2}:\d{2}$"})
    end = fields.String(
        required=True,
        metadata={
            "example": "17:00",
            "description": "Exclusive; 24:00 allowed.",
            "pattern": r"^\d{2}:\d{2}$",
        },
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

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        """Report the schedule's rule errors (overlaps, times, steps) together with the shape errors.

        Without shape errors the use case checks the rules; with them, it never runs, so they are checked
        here on the document as sent. Appointment types are left to the second round: their defaults come
        from the doctor's specializations, which only the use case knows."""
        if not isinstance(data, Mapping) or not isinstance(error.messages, dict):
            raise error
        try:
            WeeklySchedule.from_document({k: v for k, v in data.items() if k != "appointment_types"})
        except InvalidSchedule as invalid:
            reported = set(field_paths(error.messages))
            extra = {
                path: messages
                for path, messages in invalid.errors.items()
                if not path.startswith("appointment_types") and path not in reported
            }
            if extra:
                raise ValidationError({**error.messages, **extra}) from error
        raise error


def field_paths(messages: Any, prefix: str = "") -> list[str]:
    """The paths marshmallow's nested messages name, in the style weekly.monday[0].end."""
    if not isinstance(messages, Mapping):
        return [prefix] if prefix else []
    paths: list[str] = []
    for key, value in messages.items():
        path = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}" if prefix else str(key)
        paths.extend(field_paths(value, path))
    return paths


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
