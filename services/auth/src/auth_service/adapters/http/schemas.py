"""Auth-MS's JSON shapes (they also make its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from auth_service.domain.names import name_problems
from auth_service.domain.users import Role

EMAIL = {"required": True, "validate": validate.Length(max=320)}
NEW_PASSWORD = {
    "required": True,
    "metadata": {"description": "8 to 72 bytes of UTF-8; not a common password, nor the email or name"},
}


def person_name(value: str) -> None:
    """Letters, marks, spaces and . , ' - ( ): a name cannot carry a link or markup into a mail."""
    problems = name_problems(value)
    if problems:
        raise ValidationError(problems)


FULL_NAME = {
    "required": True,
    "validate": [validate.Length(min=1, max=200), person_name],
    "metadata": {"description": "letters, spaces and . , ' - ( )", "example": "Ann O'Neill-Smith"},
}


class RegistrationSchema(Schema):
    email = fields.Email(**EMAIL)
    password = fields.String(**NEW_PASSWORD)
    full_name = fields.String(**FULL_NAME)


class CredentialsSchema(Schema):
    email = fields.Email(**EMAIL)
    password = fields.String(required=True, validate=validate.Length(max=1024))


class EmailSchema(Schema):
    email = fields.Email(**EMAIL)


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(**NEW_PASSWORD)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=1024))
    new_password = fields.String(**NEW_PASSWORD)


class TokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class UserSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    role = fields.Function(lambda user: user.role.value, dump_only=True)
    email_verified = fields.Boolean(dump_only=True)
    disabled = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class MeSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    email_verified = fields.Boolean(dump_only=True)
    csrf_token = fields.String(
        dump_only=True,
        metadata={"description": "send it back in X-CSRF-Token on every POST/PUT/PATCH/DELETE"},
    )
    mfa_reminder = fields.Boolean(
        dump_only=True, metadata={"description": "an admin without two-step sign-in: remind to set it up"}
    )


class SessionSchema(Schema):
    id = fields.UUID(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    last_seen_at = fields.AwareDateTime(dump_only=True)
    expires_at = fields.AwareDateTime(dump_only=True)
    user_agent = fields.String(dump_only=True)
    ip_address = fields.String(dump_only=True)
    current = fields.Boolean(dump_only=True)


class AcceptedSchema(Schema):
    detail = fields.String(dump_only=True)


class NewStaffAccountSchema(Schema):
    email = fields.Email(**EMAIL)
    full_name = fields.String(**FULL_NAME)
    role = fields.String(required=True, validate=validate.OneOf([Role.DOCTOR.value, Role.ADMIN.value]))


class RoleChangeSchema(Schema):
    role = fields.String(
        required=True,
        validate=validate.OneOf([r.value for r in Role]),
        metadata={"description": "The account's new role.", "example": "doctor"},
    )


class UserQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    role = fields.String(load_default=None, validate=validate.OneOf([r.value for r in Role]))
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class VerifyQuerySchema(Schema):
    mode = fields.String(load_default="required", validate=validate.OneOf(["required", "optional"]))


class OAuthCallbackQuerySchema(Schema):
    """What the provider sends back; anything else (Google adds `authuser`, `prompt`, ...) is ignored."""

    state = fields.String(load_default=None)
    code = fields.String(load_default=None)
    error = fields.String(load_default=None)
    error_description = fields.String(load_default=None)
    iss = fields.String(load_default=None)
