"""JSON shapes of API keys and of patients registered by integrations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from auth_service.adapters.http.schemas import EMAIL, FULL_NAME, UserSchema
from auth_service.domain.api_keys import (
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    MAX_RATE_LIMIT_PER_MINUTE,
    NAME_MAX_LENGTH,
)
from hospital_shared.identity import SCOPES
from hospital_shared.schemas import Instant


class NewApiKeySchema(Schema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=NAME_MAX_LENGTH),
        metadata={"example": "Regional referral portal"},
    )
    scopes = fields.List(
        fields.String(validate=validate.OneOf(sorted(SCOPES))),
        required=True,
        validate=validate.Length(min=1, max=len(SCOPES)),
        metadata={"example": ["directory:read", "slots:read"]},
    )
    expires_at = Instant(
        load_default=None, metadata={"description": "default: 90 days from now; one year at most"}
    )
    rate_limit_per_minute = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_RATE_LIMIT_PER_MINUTE),
        metadata={"description": f"calls a minute; default {DEFAULT_RATE_LIMIT_PER_MINUTE}"},
    )


class ApiKeySchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    scopes = fields.Function(lambda key: sorted(key.scopes), dump_only=True)
    prefix = fields.String(dump_only=True, metadata={"description": "the secret's first characters"})
    created_by = fields.UUID(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    expires_at = fields.AwareDateTime(dump_only=True)
    revoked_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    last_used_at = fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "updated at most once a minute"}
    )
    rate_limit_per_minute = fields.Integer(dump_only=True)


class IssuedApiKeySchema(ApiKeySchema):
    secret = fields.String(
        dump_only=True,
        metadata={"description": "send as `Authorization: Bearer <secret>`; shown in this answer only"},
    )


class IntegrationPatientSchema(Schema):
    email = fields.Email(**EMAIL)
    full_name = fields.String(**FULL_NAME)


class RegisteredPatientSchema(UserSchema):
    registered_by_key = fields.UUID(dump_only=True, allow_none=True)
