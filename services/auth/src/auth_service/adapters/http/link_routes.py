"""Linked sign-ins of the signed-in account: link Google (password again), list and remove links."""

from __future__ import annotations

import uuid
from typing import Any

from flask import after_this_request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from auth_service.adapters.http.oauth_routes import NOT_CONFIGURED, set_binding_cookie
from auth_service.adapters.http.web_session import ports, session_secret, settings, uow
from auth_service.domain.sessions import Session
from auth_service.ports import OpenIdProviderError
from auth_service.service_layer import identity_links, sessions
from auth_service.service_layer.openid_sign_in import start_openid_sign_in
from hospital_shared.access import current_identity, require_identity
from hospital_shared.errors import ServiceUnavailable, Unauthorized
from hospital_shared.identity import Identity
from hospital_shared.paging import Page
from hospital_shared.schemas import PageQuerySchema, page_of, problem_responses

blp = Blueprint("identity_links", __name__, url_prefix="/api/v1/auth", description="Linked sign-ins (Google)")
_problems = problem_responses(blp, {404: NOT_CONFIGURED})


class LinkStartSchema(Schema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=1024),
        metadata={"format": "password", "description": "The account's current password, entered again."},
    )


class LinkStartedSchema(Schema):
    authorization_url = fields.String(
        dump_only=True, metadata={"description": "Send the browser here (a full-page navigation)."}
    )


class IdentityLinkSchema(Schema):
    id = fields.UUID(dump_only=True)
    provider = fields.String(dump_only=True, metadata={"description": "For example 'Google'."})
    issuer = fields.String(dump_only=True)
    email_at_link = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The provider's email when linked."}
    )
    linked_at = fields.AwareDateTime(dump_only=True)


def _identity() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _own_session(identity: Identity) -> Session:
    """The caller's own browser session: a link is bound to it (an API key cannot link)."""
    session = sessions.current_session(
        secret=session_secret(), sessions=ports().sessions, clock=ports().clock, policy=ports().policy
    )
    if session is None or session.user_id != identity.user_id:
        raise Unauthorized("Sign in in this browser to link another sign-in method.")
    return session


@blp.route("/oauth/google/link/start")
class StartGoogleLink(MethodView):
    @require_identity()
    @blp.arguments(LinkStartSchema)
    @blp.response(200, LinkStartedSchema)
    @_problems(404)
    def post(self, body: dict[str, Any]) -> Any:
        """Enter the password again to link a Google account; answers where to send the browser."""
        identity = _identity()
        command = identity_links.LinkStart(
            user_id=identity.user_id, session=_own_session(identity), password=body["password"]
        )
        ttl = settings().oidc_state_ttl_seconds
        try:
            started = start_openid_sign_in(
                uow(),
                state_ttl_seconds=ttl,
                link=command,
                openid=ports().openid,
                pending_sign_ins=ports().pending_sign_ins,
                attempts=ports().attempts,
                hasher=ports().hasher,
                policy=ports().policy,
            )
        except OpenIdProviderError as error:
            raise ServiceUnavailable("Google is unavailable right now. Try again later.") from error

        @after_this_request
        def bind_browser(response: Any) -> Any:
            set_binding_cookie(response, started.browser_binding, max_age=ttl)
            response.headers["Cache-Control"] = "no-store"
            return response

        return {"authorization_url": started.authorization_url}


@blp.route("/links")
class MyLinks(MethodView):
    @require_identity()
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(IdentityLinkSchema))
    def get(self, query: dict[str, Any]) -> Any:
        """List the Google (provider) accounts that can sign in to my account."""
        everything = identity_links.list_links(uow(), user_id=_identity().user_id)
        links = Page.of(everything, page=query["page"], page_size=query["page_size"])
        items = [
            {
                "id": link.id,
                "provider": identity_links.provider_name(link.issuer),
                "issuer": link.issuer,
                "email_at_link": link.email_at_link,
                "linked_at": link.linked_at,
            }
            for link in links.items
        ]
        return {"items": items, "page": links.page, "page_size": links.page_size, "total": links.total}


@blp.route("/links/<uuid:link_id>")
class MyLink(MethodView):
    @require_identity()
    @blp.response(204)
    def delete(self, link_id: uuid.UUID) -> None:
        """Remove a linked sign-in: that Google account no longer signs in to mine."""
        identity_links.remove_link(uow(), user_id=_identity().user_id, link_id=link_id)
