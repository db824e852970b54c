"""Appointment-MS's JSON shapes (they also make its OpenAPI document)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from appointment_service.domain.slots import TimeOfDay
from hospital_shared.schedule import MAX_DURATION_MINUTES
from hospital_shared.schemas import Instant, PageQuerySchema
from hospital_shared.web import container

_DURATION = validate.Range(min=5, max=MAX_DURATION_MINUTES)
_CODE = validate.Regexp(
    r"^[a-z0-9][a-z0-9-]{0,39}$", error="Must be an appointment type code, such as 'follow-up'."
)
_REASON = validate.Length(max=500)


class _RepeatedQuery(Schema):
    """A query schema whose successful parses are kept per process, keyed by the query's items.

    Searches repeat (every patient asks for the next cardiology slot), and parsing the query is a good part
    of what a cached answer costs. Only valid queries are kept; each call gets a fresh dict."""

    _MEMO_SIZE = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs.get("many") or kwargs.get("partial"):
            return super().load(data, *args, **kwargs)
        key = tuple(sorted((str(k), str(data[k])) for k in data))
        parsed = self._memo.get(key)
        if parsed is None:
            parsed = super().load(data, **kwargs)
            if len(self._memo) >= self._MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = parsed
        return dict(parsed)


class SlotQuerySchema(_RepeatedQuery):
    specialization = fields.String(
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$"), metadata={"example": "cardiology"}
    )
    doctor_id = fields.UUID()
    from_ = Instant(data_key="from", metadata={"description": "Earliest start (default: now)."})
    to = Instant(metadata={"description": "Latest start (default: the booking horizon)."})
    duration_minutes = fields.Integer(validate=_DURATION)
    appointment_type = fields.String(validate=_CODE)
    time_of_day = fields.String(
        validate=validate.OneOf([t.value for t in TimeOfDay]),
        metadata={
            "description": "In the doctor's local time: morning < 12:00 <= afternoon < 17:00 <= evening."
        },
    )
    language = fields.String(
        validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Z]{2})?$"), metadata={"example": "de"}
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NextSlotQuerySchema(SlotQuerySchema):
    class Meta:
        exclude = ("limit",)


class SlotSchema(Schema):
    doctor_id = fields.UUID(required=True)
    doctor_name = fields.String(required=True)
    specialization = fields.String(allow_none=True)
    start = fields.String(required=True, metadata={"format": "date-time", "example": "2026-12-02T08:00:00Z"})
    end = fields.String(required=True, metadata={"format": "date-time"})
    doctor_time_zone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    doctor_local_start = fields.String(
        metadata={"format": "date-time", "description": "The start in the doctor's time zone."}
    )
    duration_minutes = fields.Integer(required=True)
    appointment_type = fields.String(required=True)
    appointment_type_name = fields.String()
    languages = fields.List(fields.String())
    clinic = fields.String()
    location = fields.String()
    rank_reason = fields.String(
        required=True,
        metadata={
            "example": "earliest free cardiology slot; Dr. Emma Fischer is less booked this week (31% vs 58%)"
        },
    )


class SlotListSchema(Schema):
    """The list shape of every list; the finder answers one page of `limit` slots, best first."""

    items = fields.List(fields.Nested(SlotSchema), required=True)
    page = fields.Integer(
        required=True, metadata={"description": "Always 1: ask with a later `from` for more."}
    )
    page_size = fields.Integer(required=True, metadata={"description": "The `limit` asked for."})
    total = fields.Integer(required=True, metadata={"description": "The slots in this answer."})


class BookingSchema(Schema):
    doctor_id = fields.UUID(required=True)
    start = Instant(required=True, metadata={"description": "A start the slot finder offers."})
    duration_minutes = fields.Integer(validate=_DURATION)
    appointment_type = fields.String(validate=_CODE)
    reason = fields.String(load_default="", validate=_REASON)
    patient_id = fields.UUID(
        metadata={
            "description": "API keys only, and required with one: the patient to book for, one the key "
            "registered (POST /api/v1/auth/integrations/patients). People book for themselves and leave it "
            "out (422 otherwise)."
        }
    )


class ConfirmHoldSchema(Schema):
    reason = fields.String(validate=_REASON)
    claim_token = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The token of a hold made before signing in (POST /api/v1/slots/holds)."},
    )


class GuestHoldRequestSchema(Schema):
    doctor_id = fields.UUID(required=True)
    start = Instant(required=True, metadata={"description": "A start the slot finder offers."})
    duration_minutes = fields.Integer(validate=_DURATION)
    appointment_type = fields.String(validate=_CODE)


class ClaimTokenSchema(Schema):
    claim_token = fields.String(required=True, validate=validate.Length(min=1, max=100))


class CancelSchema(Schema):
    reason = fields.String(load_default="", validate=_REASON)


class RescheduleSchema(Schema):
    start = Instant(required=True)
    duration_minutes = fields.Integer(validate=_DURATION)
    appointment_type = fields.String(validate=_CODE)


class AppointmentQuerySchema(PageQuerySchema):
    scope = fields.String(load_default="all", validate=validate.OneOf(["upcoming", "past", "all"]))
    from_ = Instant(data_key="from")
    to = Instant()
    doctor_id = fields.UUID()
    patient_id = fields.UUID(
        metadata={
            "description": "Only this patient's appointments. Required with an API key: a patient the key "
            "registered (403 otherwise). A patient sees only their own, whatever this says."
        }
    )
    status = fields.String(
        validate=validate.OneOf(["held", "booked", "cancelled", "completed", "expired", "rescheduled"])
    )
    updated_since = Instant(
        metadata={
            "description": "For mirroring: only appointments changed at or after this (ISO 8601, offset), "
            "ordered by updated_at, then id. Ask again with the last item's updated_at (the boundary item "
            "comes again; a change committing late may carry a slightly earlier updated_at, so go back a "
            "minute and deduplicate by id)."
        }
    )


class RelationshipQuerySchema(Schema):
    doctor_user_id = fields.UUID(required=True)
    patient_id = fields.UUID(required=True)


def _status(appointment: Any) -> str:
    # The service's clock, as the use cases read it: a hold they treat as expired is shown expired.
    return appointment.effective_status(container().clock.now()).value


class AppointmentSchema(Schema):
    id = fields.UUID(dump_only=True)
    patient_id = fields.UUID(dump_only=True)
    doctor_id = fields.UUID(dump_only=True)
    start = fields.AwareDateTime(dump_only=True)
    end = fields.AwareDateTime(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    status = fields.Function(_status, dump_only=True, metadata={"type": "string"})
    reason = fields.String(dump_only=True)
    appointment_type = fields.String(dump_only=True)
    specialization = fields.String(dump_only=True)
    hold_expires_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    updated_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    cancelled_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    cancelled_by_role = fields.String(dump_only=True, allow_none=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)
    rescheduled_from = fields.UUID(dump_only=True, allow_none=True)
    rescheduled_to = fields.UUID(dump_only=True, allow_none=True)


class GuestHoldSchema(Schema):
    """A slot kept for someone not signed in: confirm it after signing in, with its claim token."""

    id = fields.UUID(attribute="appointment.id", dump_only=True)
    doctor_id = fields.UUID(attribute="appointment.doctor_id", dump_only=True)
    start = fields.AwareDateTime(attribute="appointment.start", dump_only=True)
    end = fields.AwareDateTime(attribute="appointment.end", dump_only=True)
    duration_minutes = fields.Integer(attribute="appointment.duration_minutes", dump_only=True)
    status = fields.Function(
        lambda held: _status(held.appointment), dump_only=True, metadata={"type": "string"}
    )
    appointment_type = fields.String(attribute="appointment.appointment_type", dump_only=True)
    specialization = fields.String(attribute="appointment.specialization", dump_only=True)
    hold_expires_at = fields.AwareDateTime(attribute="appointment.hold_expires_at", dump_only=True)
    claim_token = fields.String(
        dump_only=True,
        metadata={"description": "Shown once. Send it to POST /api/v1/appointments/holds/{id}/confirm."},
    )


# -- the admin's system page ----------------------------------------------------------------------------


class ServiceHealthSchema(Schema):
    name = fields.String(required=True, metadata={"example": "doctor"})
    ready = fields.Boolean(required=True, metadata={"description": "/readyz answered 200 with status ok."})
    response_time_ms = fields.Float(
        required=True, metadata={"description": "How long the probe of /readyz took (up to its 1 s timeout)."}
    )
    status_code = fields.Integer(
        allow_none=True, metadata={"description": "The HTTP status of /readyz; null when nothing answered."}
    )
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "The readiness checks as /readyz reports them (database, redis, migrations, ...).",
            "example": {"database": {"status": "ok"}, "redis": {"status": "ok"}},
        },
    )
    detail = fields.String(allow_none=True, metadata={"description": "Why the service is not ready."})


class ReplicaSchema(Schema):
    name = fields.String(required=True, metadata={"description": "INSTANCE_NAME", "example": "appointment-2"})
    address = fields.String(required=True, metadata={"example": "127.0.0.1:5104"})
    workers = fields.Integer(required=True, metadata={"description": "gunicorn workers heard from."})
    requests_last_minute = fields.Integer(
        required=True, metadata={"description": "API requests answered in the last 60 s (health probes and "
                                 "metrics scrapes are not counted)."}
    )  # fmt: skip
    requests_per_second = fields.Float(
        required=True,
        metadata={"description": "Over the last 60 s (or since the replica started, if that is sooner)."},
    )
    latency_p50_ms = fields.Float(
        allow_none=True,
        metadata={
            "description": "Median time to answer over the last 60 s, at most 9% high; null: no requests."
        },
    )
    latency_p95_ms = fields.Float(
        allow_none=True, metadata={"description": "95th percentile over the last 60 s, at most 9% high."}
    )
    started_at = fields.AwareDateTime(
        required=True, metadata={"description": "When its oldest worker started."}
    )
    last_seen_at = fields.AwareDateTime(required=True, metadata={"description": "Its latest heartbeat."})


class ReplicaReportSchema(Schema):
    count = fields.Integer(
        allow_none=True,
        metadata={"description": "Running replicas; null when the registry could not be read."},
    )
    window_seconds = fields.Integer(required=True, metadata={"example": 60})
    items = fields.List(fields.Nested(ReplicaSchema), required=True)
    detail = fields.String(allow_none=True, metadata={"description": "Why the replicas could not be listed."})


class BookingsTodaySchema(Schema):
    day = fields.Date(required=True, metadata={"description": "Today as a UTC calendar day."})
    from_ = fields.AwareDateTime(
        data_key="from", attribute="start", required=True, metadata={"example": "2026-05-04T00:00:00+00:00"}
    )
    to = fields.AwareDateTime(
        attribute="end", required=True, metadata={"example": "2026-05-05T00:00:00+00:00"}
    )
    created_today = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Appointments booked (created) between from and to: booked at once or a "
            "confirmed hold, counted even if cancelled since; an unconfirmed hold or the new half of a "
            "reschedule is not."
        },
    )
    starting_today = fields.Integer(
        allow_none=True,
        metadata={"description": "Booked or completed appointments that start between from and to."},
    )
    detail = fields.String(
        allow_none=True, metadata={"description": "Why the bookings could not be counted."}
    )


class SystemStatusSchema(Schema):
    generated_at = fields.AwareDateTime(required=True)
    answered_by = fields.String(required=True, metadata={"description": "The replica that made this report."})
    all_ready = fields.Boolean(required=True, metadata={"description": "Every service is ready."})
    services = fields.List(
        fields.Nested(ServiceHealthSchema),
        required=True,
        metadata={
            "description": "auth, patient, doctor and appointment (the replica answering), in that order."
        },
    )
    replicas = fields.Nested(
        ReplicaReportSchema,
        required=True,
        metadata={"description": "The Appointment-MS replicas, as their heartbeats in Redis announce them."},
    )
    bookings_today = fields.Nested(BookingsTodaySchema, required=True)
