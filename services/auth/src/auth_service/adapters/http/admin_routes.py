"""Admin routes under /api/v1/auth/users: create staff accounts, list, disable, enable, change roles."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.schemas import (
    NewStaffAccountSchema,
    RoleChangeSchema,
    UserQuerySchema,
    UserSchema,
)
from auth_service.adapters.http.web_session import ports, uow
from auth_service.domain.users import Role
from auth_service.service_layer import admin
from hospital_shared.access import current_identity, require_identity
from hospital_shared.identity import Identity
from hospital_shared.schemas import page_of, problem_responses

blp = Blueprint("users", __name__, url_prefix="/api/v1/auth/users", description="User administration")

_problems = problem_responses(
    blp,
    {
        404: "No account with this id.",
        409: "Your own role cannot be changed, and the last enabled admin stays an enabled admin.",
        422: "Unknown role; `errors` names the field.",
    },
)


@blp.route("")
class Users(MethodView):
    @require_identity("admin")
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, query: dict[str, Any]) -> Any:
        """List accounts, newest first (filter by role or by part of the email or name)."""
        return admin.list_users(
            uow(),
            page=query["page"],
            page_size=query["page_size"],
            role=Role(query["role"]) if query["role"] else None,
            query=query["q"],
        )

    @require_identity("admin")
    @blp.arguments(NewStaffAccountSchema)
    @blp.response(201, UserSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a doctor or admin account; the new user gets a mail to set a password."""
        return admin.create_staff_account(
            uow(),
            email=body["email"],
            full_name=body["full_name"],
            role=Role(body["role"]),
            clock=ports().clock,
            mailer=ports().mailer,
            policy=ports().policy,
        )


@blp.route("/<uuid:user_id>")
class OneUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    def get(self, user_id: uuid.UUID) -> Any:
        """One account."""
        return admin.get_user(uow(), user_id=user_id)

    @require_identity("admin")
    @blp.arguments(RoleChangeSchema)
    @blp.response(200, UserSchema)
    @_problems(401, 403, 404, 409, 422)
    def patch(self, body: dict[str, Any], user_id: uuid.UUID) -> Any:
        """Change an account's role (not your own); every session of the account ends at once."""
        return admin.change_role(
            uow(), user_id=user_id, role=Role(body["role"]), actor=_actor(), sessions=ports().sessions
        )


def _actor() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _set_disabled(user_id: uuid.UUID, *, disabled: bool) -> Any:
    return admin.set_account_disabled(
        uow(), user_id=user_id, disabled=disabled, actor=_actor(), sessions=ports().sessions
    )


@blp.route("/<uuid:user_id>/disable")
class DisableUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    @_problems(401, 403, 404, 409)
    def post(self, user_id: uuid.UUID) -> Any:
        """Disable an account (not your own, nor the last enabled admin); its sessions end at once."""
        return _set_disabled(user_id, disabled=True)


@blp.route("/<uuid:user_id>/enable")
class EnableUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    def post(self, user_id: uuid.UUID) -> Any:
        """Re-enable a disabled account."""
        return _set_disabled(user_id, disabled=False)
