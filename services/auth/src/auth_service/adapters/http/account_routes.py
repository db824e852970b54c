"""Public account routes under /api/v1/auth: register, sign in and out, me, sessions, passwords, email."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http import mfa_routes
from auth_service.adapters.http.schemas import (
    AcceptedSchema,
    CredentialsSchema,
    EmailSchema,
    MeSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    RegistrationSchema,
    SessionSchema,
    TokenSchema,
)
from auth_service.adapters.http.web_session import (
    attach_session_cookie,
    client_info,
    drop_session_cookie,
    ports,
    session_secret,
    uow,
)
from auth_service.domain.sessions import Session
from auth_service.domain.users import User
from auth_service.service_layer import accounts, mfa, passwords, sessions
from hospital_shared.access import current_identity, require_identity
from hospital_shared.identity import Identity
from hospital_shared.schemas import PageQuerySchema, page_of

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and sessions")


def _me(user: User, session: Session | None) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "full_name": user.full_name,
        "email_verified": user.email_verified,
        "csrf_token": session.csrf_token if session is not None else None,
        "mfa_reminder": mfa.needs_reminder(uow(), user=user),
    }


def _signed_in_identity() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _own_session(identity: Identity) -> Session | None:
    """The caller's session from the cookie, if it is the one the gateway vouched for."""
    session = sessions.current_session(
        secret=session_secret(), sessions=ports().sessions, clock=ports().clock, policy=ports().policy
    )
    return session if session is not None and session.user_id == identity.user_id else None


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegistrationSchema)
    @blp.response(201, MeSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a patient account and sign in."""
        signed_in = accounts.register(
            uow(),
            email=body["email"],
            password=body["password"],
            full_name=body["full_name"],
            client=client_info(),
            previous_secret=session_secret(),
            attempts=ports().attempts,
            hasher=ports().hasher,
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
            mail_limits=ports().mail_limits,
            mailer=ports().mailer,
        )
        attach_session_cookie(signed_in.secret)
        return _me(signed_in.user, signed_in.session)


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(CredentialsSchema)
    @blp.response(200, mfa_routes.LoginAnswerSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Sign in with email and password (a new session id every time; staff may then need a code)."""
        signed_in = accounts.sign_in(
            uow(),
            email=body["email"],
            password=body["password"],
            client=client_info(),
            previous_secret=session_secret(),
            attempts=ports().attempts,
            hasher=ports().hasher,
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
            mfa_challenges=ports().mfa_challenges,
            mfa_policy=ports().mfa_policy,
        )
        if isinstance(signed_in, mfa.MfaChallengeIssued):
            return mfa_routes.challenge_answer(signed_in)
        attach_session_cookie(signed_in.secret)
        return _me(signed_in.user, signed_in.session)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """Sign out of this browser."""
        sessions.sign_out(secret=session_secret(), sessions=ports().sessions)
        drop_session_cookie()


@blp.route("/logout-all")
class LogoutEverywhere(MethodView):
    @require_identity()
    @blp.response(204)
    def post(self) -> None:
        """Sign out on every device."""
        sessions.sign_out_everywhere(user_id=_signed_in_identity().user_id, sessions=ports().sessions)
        drop_session_cookie()


@blp.route("/me")
class Me(MethodView):
    @require_identity()
    @blp.response(200, MeSchema)
    def get(self) -> Any:
        """The signed-in account, with the CSRF token the SPA must send on unsafe requests."""
        identity = _signed_in_identity()
        user = accounts.my_account(uow(), user_id=identity.user_id)
        return _me(user, _own_session(identity))


@blp.route("/sessions")
class MySessions(MethodView):
    @require_identity()
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(SessionSchema))
    def get(self, query: dict[str, Any]) -> Any:
        """List my live sessions, most recently used first."""
        identity = _signed_in_identity()
        current = _own_session(identity)
        policy = ports().policy.sessions
        found = sessions.list_sessions(
            user_id=identity.user_id,
            page=query["page"],
            page_size=query["page_size"],
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
        )
        items = [
            {
                "id": s.id,
                "created_at": s.created_at,
                "last_seen_at": s.last_seen_at,
                "expires_at": s.expires_at(policy),
                "user_agent": s.user_agent,
                "ip_address": s.ip_address,
                "current": current is not None and s.id == current.id,
            }
            for s in found.items
        ]
        return {"items": items, "page": found.page, "page_size": found.page_size, "total": found.total}


@blp.route("/sessions/<uuid:session_id>")
class MySession(MethodView):
    @require_identity()
    @blp.response(204)
    def delete(self, session_id: uuid.UUID) -> None:
        """End one of my sessions."""
        sessions.revoke_session(
            user_id=_signed_in_identity().user_id, session_id=session_id, sessions=ports().sessions
        )


@blp.route("/password/forgot")
class ForgotPassword(MethodView):
    @blp.arguments(EmailSchema)
    @blp.response(202, AcceptedSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Mail a password reset link (the answer is the same whether the account exists or not)."""
        passwords.request_password_reset(
            uow(),
            email=body["email"],
            clock=ports().clock,
            policy=ports().policy,
            attempts=ports().attempts,
            mail_limits=ports().mail_limits,
            mailer=ports().mailer,
        )
        return {"detail": "If an account uses this address, a reset link is on its way."}


@blp.route("/password/reset")
class ResetPassword(MethodView):
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    def post(self, body: dict[str, Any]) -> None:
        """Set a new password with the mailed token; every session of the account ends."""
        passwords.reset_password(
            uow(),
            token=body["token"],
            new_password=body["new_password"],
            clock=ports().clock,
            hasher=ports().hasher,
            sessions=ports().sessions,
            attempts=ports().attempts,
        )
        drop_session_cookie()


@blp.route("/password/change")
class ChangePassword(MethodView):
    @require_identity()
    @blp.arguments(PasswordChangeSchema)
    @blp.response(200, MeSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Change my password with the current one; my other sessions end, this one gets a new id."""
        signed_in = passwords.change_password(
            uow(),
            user_id=_signed_in_identity().user_id,
            current_password=body["current_password"],
            new_password=body["new_password"],
            client=client_info(),
            previous_secret=session_secret(),
            hasher=ports().hasher,
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
        )
        attach_session_cookie(signed_in.secret)
        return _me(signed_in.user, signed_in.session)


@blp.route("/email/verify")
class VerifyEmail(MethodView):
    @blp.arguments(TokenSchema)
    @blp.response(204)
    def post(self, body: dict[str, Any]) -> None:
        """Confirm the email address with the token mailed at registration."""
        accounts.verify_email(uow(), token=body["token"], clock=ports().clock)
