"""The webhook admin API's JSON shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from appointment_service.domain.webhooks import DELIVERY_STATUSES, EVENT_TYPES
from hospital_shared.schemas import PageQuerySchema


def _event_types(*, required: bool) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        required=required,
        validate=validate.Length(min=1, max=len(EVENT_TYPES)),
        metadata={"example": ["appointment.booked", "appointment.cancelled"]},
    )


class EndpointRequestSchema(Schema):
    url = fields.Url(
        required=True, schemes={"https"}, require_tld=False, validate=validate.Length(max=2000),
        metadata={"example": "https://integrator.example/hooks/hospital"},
    )  # fmt: skip
    event_types = _event_types(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=500))


class EndpointChangeSchema(Schema):
    event_types = _event_types(required=False)
    description = fields.String(validate=validate.Length(max=500))
    active = fields.Boolean(metadata={"description": "false: nothing is sent (deliveries wait) until true."})


class EndpointSchema(Schema):
    id = fields.UUID(dump_only=True)
    url = fields.String(dump_only=True)
    event_types = fields.List(fields.String(), dump_only=True)
    description = fields.String(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class EndpointWithSecretSchema(EndpointSchema):
    secret = fields.String(
        dump_only=True,
        metadata={"description": "The signing secret. Shown only here (and on rotation): store it."},
    )


class DeliveryQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))


class DeliverySchema(Schema):
    id = fields.UUID(dump_only=True, metadata={"description": "Sent as Hospital-Delivery-Id."})
    event_id = fields.UUID(
        dump_only=True, metadata={"description": "Sent as Hospital-Event-Id (and body id)."}
    )
    event_type = fields.String(dump_only=True)
    status = fields.String(
        dump_only=True,
        metadata={
            "description": "pending (will be tried, or is being tried), delivered (2xx), failed (gave up)."
        },
    )
    attempts = fields.Integer(dump_only=True)
    next_attempt_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    give_up_at = fields.AwareDateTime(dump_only=True, metadata={"description": "24 h after the event."})
    last_attempt_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    last_status_code = fields.Integer(dump_only=True, allow_none=True)
    last_error = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Why the last try got no 2xx (timeout, TLS, ...)."},
    )
    last_duration_ms = fields.Integer(dump_only=True, allow_none=True)
    delivered_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
