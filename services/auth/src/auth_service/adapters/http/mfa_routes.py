"""Staff two-step sign-in under /api/v1/auth: the code step of a sign-in; enrolling an app."""

from __future__ import annotations

from typing import Any

from flask import Response, after_this_request, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from auth_service.adapters.http.schemas import MeSchema
from auth_service.adapters.http.web_session import (
    attach_session_cookie,
    client_info,
    ports,
    session_secret,
    settings,
    uow,
)
from auth_service.domain.sessions import Session
from auth_service.domain.users import User
from auth_service.service_layer import accounts, mfa
from hospital_shared.access import current_identity, require_identity
from hospital_shared.errors import Forbidden

blp = Blueprint(
    "mfa", __name__, url_prefix="/api/v1/auth", description="Staff two-step sign-in (authenticator app codes)"
)

# Binds a pending sign-in to the browser that entered the password: a stolen mfa_token alone is useless.
MFA_BINDING_COOKIE = "hospital_mfa"
MFA_COOKIE_PATH = "/api/v1/auth/login"


class LoginAnswerSchema(MeSchema):
    mfa_required = fields.Boolean(
        dump_only=True,
        metadata={"description": "true: no session yet; send a code with mfa_token to /login/mfa"},
    )
    mfa_token = fields.String(dump_only=True, metadata={"description": "the pending sign-in, 5 minutes"})


class MfaCodeSchema(Schema):
    mfa_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "6 digits from the authenticator app, or one recovery code"},
    )


class MfaTokenSchema(Schema):
    mfa_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MfaSignedInSchema(MeSchema):
    recovery_codes = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "only when this step finished a first enrolment: shown once, store them"},
    )


class EnrolmentSchema(Schema):
    secret = fields.String(dump_only=True, metadata={"description": "base32, for typing into the app"})
    secret_grouped = fields.String(dump_only=True)
    otpauth_uri = fields.String(dump_only=True, metadata={"description": "otpauth://totp/... for the app"})


class ConfirmCodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), dump_only=True)


class PasswordConfirmationSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class MfaStatusSchema(Schema):
    enrolled = fields.Boolean(dump_only=True)
    required = fields.Boolean(dump_only=True)
    recovery_codes_left = fields.Integer(dump_only=True)


def me_body(user: User, session: Session | None) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "full_name": user.full_name,
        "email_verified": user.email_verified,
        "csrf_token": session.csrf_token if session is not None else None,
        "mfa_reminder": mfa.needs_reminder(uow(), user=user),
    }


def _binding_cookie(value: str | None, *, max_age: int) -> None:
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            MFA_BINDING_COOKIE,
            value or "",
            max_age=max_age,
            httponly=True,
            secure=settings().cookie_secure,
            samesite="Strict",
            path=MFA_COOKIE_PATH,
        )
        return response

    after_this_request(set_cookie)


def challenge_answer(challenge: mfa.MfaChallengeIssued) -> dict[str, Any]:
    """The login answer when a second step is due (raises the 403 when MFA must first be enrolled)."""
    _binding_cookie(challenge.binding, max_age=challenge.ttl_seconds)
    if challenge.purpose == mfa.ENROL:
        raise Forbidden(
            "Two-step sign-in is required for staff accounts. Set up an authenticator app now to continue.",
            title="Two-step sign-in required",
            extra={"mfa_enrolment_required": True, "mfa_token": challenge.token},
        )
    return {"mfa_required": True, "mfa_token": challenge.token}


def _binding() -> str | None:
    return request.cookies.get(MFA_BINDING_COOKIE) or None


@blp.route("/login/mfa")
class LoginSecondStep(MethodView):
    @blp.arguments(MfaCodeSchema)
    @blp.response(200, MfaSignedInSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Finish a sign-in with a code from the authenticator app (or a recovery code)."""
        done = mfa.complete_sign_in(
            uow(),
            token=body["mfa_token"],
            code=body["code"],
            binding=_binding(),
            client=client_info(),
            previous_secret=session_secret(),
            attempts=ports().attempts,
            mfa_challenges=ports().mfa_challenges,
            mfa_policy=ports().mfa_policy,
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
        )
        attach_session_cookie(done.signed_in.secret)
        _binding_cookie(None, max_age=0)
        answer = me_body(done.signed_in.user, done.signed_in.session)
        if done.recovery_codes is not None:
            answer["recovery_codes"] = done.recovery_codes
        return answer


@blp.route("/login/mfa/enrol")
class LoginEnrolment(MethodView):
    @blp.arguments(MfaTokenSchema)
    @blp.response(200, EnrolmentSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Mandatory two-step sign-in: set up the app for a sign-in refused with 403 (then /login/mfa)."""
        return mfa.start_enrolment_for_challenge(
            uow(),
            token=body["mfa_token"],
            binding=_binding(),
            clock=ports().clock,
            mfa_challenges=ports().mfa_challenges,
            mfa_policy=ports().mfa_policy,
        )


def _user_id() -> Any:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity.user_id


@blp.route("/mfa")
class MfaStatus(MethodView):
    @require_identity()
    @blp.response(200, MfaStatusSchema)
    def get(self) -> Any:
        """Whether my account has two-step sign-in, must have it, and how many recovery codes are left."""
        user = accounts.my_account(uow(), user_id=_user_id())
        return mfa.status(uow(), user=user, mfa_policy=ports().mfa_policy)


@blp.route("/mfa/totp")
class TotpEnrolment(MethodView):
    @require_identity()
    @blp.response(201, EnrolmentSchema)
    def post(self) -> Any:
        """Start setting up an authenticator app (staff only); confirm it with a first code."""
        return mfa.start_enrolment(
            uow(), user_id=_user_id(), clock=ports().clock, mfa_policy=ports().mfa_policy
        )


@blp.route("/mfa/totp/confirm")
class TotpConfirmation(MethodView):
    @require_identity()
    @blp.arguments(ConfirmCodeSchema)
    @blp.response(200, RecoveryCodesSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Switch two-step sign-in on with a first code; answers the recovery codes, shown only this once."""
        return {
            "recovery_codes": mfa.confirm_enrolment(
                uow(), user_id=_user_id(), code=body["code"], clock=ports().clock
            )
        }


@blp.route("/mfa/totp/disable")
class TotpRemoval(MethodView):
    @require_identity()
    @blp.arguments(PasswordConfirmationSchema)
    @blp.response(204)
    def post(self, body: dict[str, Any]) -> None:
        """Turn two-step sign-in off, with the password entered again (refused while it is mandatory)."""
        mfa.disable(
            uow(),
            user_id=_user_id(),
            password=body["password"],
            hasher=ports().hasher,
            mfa_policy=ports().mfa_policy,
        )
