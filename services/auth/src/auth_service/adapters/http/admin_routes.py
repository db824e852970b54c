"""Admin routes under /api/v1/auth/users: create staff accounts, list, disable and re-enable users."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.schemas import NewStaffAccountSchema, UserQuerySchema, UserSchema
from auth_service.adapters.http.web_session import ports
from auth_service.domain.users import Role
from auth_service.service_layer import admin
from hospital_shared.identity import current_identity, require_identity
from hospital_shared.schemas import page_of

blp = Blueprint("users", __name__, url_prefix="/api/v1/auth/users", description="User administration")


@blp.route("")
class Users(MethodView):
    @require_identity("admin")
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, query: dict[str, Any]) -> Any:
        """List accounts, newest first (filter by role or by part of the email or name)."""
        return admin.list_users(
            ports=ports(),
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
            admin.NewStaffAccount(email=body["email"], full_name=body["full_name"], role=Role(body["role"])),
            ports=ports(),
        )


@blp.route("/<uuid:user_id>")
class OneUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    def get(self, user_id: uuid.UUID) -> Any:
        """One account."""
        return admin.get_user(user_id, ports=ports())


def _set_disabled(user_id: uuid.UUID, *, disabled: bool) -> Any:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return admin.set_account_disabled(user_id, disabled=disabled, actor_id=identity.user_id, ports=ports())


@blp.route("/<uuid:user_id>/disable")
class DisableUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    def post(self, user_id: uuid.UUID) -> Any:
        """Disable an account; its sessions end at once."""
        return _set_disabled(user_id, disabled=True)


@blp.route("/<uuid:user_id>/enable")
class EnableUser(MethodView):
    @require_identity("admin")
    @blp.response(200, UserSchema)
    def post(self, user_id: uuid.UUID) -> Any:
        """Re-enable a disabled account."""
        return _set_disabled(user_id, disabled=False)
