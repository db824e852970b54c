"""Admin routes under /api/v1/auth/api-keys: issue, list, show and revoke integrations' API keys."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.integration_schemas import ApiKeySchema, IssuedApiKeySchema, NewApiKeySchema
from auth_service.adapters.http.web_session import ports, uow
from auth_service.service_layer import api_keys
from hospital_shared.access import current_identity, require_identity
from hospital_shared.schemas import PageQuerySchema, page_of, problem_responses

blp = Blueprint(
    "api_keys",
    __name__,
    url_prefix="/api/v1/auth/api-keys",
    description="API keys for integrations (admins only). Calls send `Authorization: Bearer <secret>`.",
)

_problems = problem_responses(
    blp,
    {404: "No API key with this id.", 422: "Unknown scope, expiry past or beyond a year; `errors` names it."},
)


@blp.route("")
class ApiKeys(MethodView):
    @require_identity("admin")
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(ApiKeySchema))
    @_problems(401, 403)
    def get(self, query: dict[str, Any]) -> Any:
        """List API keys, newest first (revoked and expired ones too; never their secrets)."""
        return api_keys.list_api_keys(uow(), page=query["page"], page_size=query["page_size"])

    @require_identity("admin")
    @blp.arguments(NewApiKeySchema)
    @blp.response(201, IssuedApiKeySchema)
    @_problems(401, 403, 422)
    def post(self, body: dict[str, Any]) -> Any:
        """Issue an API key; its secret is in this answer only (store it now: it cannot be shown again)."""
        identity = current_identity()
        assert identity is not None  # guaranteed by require_identity
        issued = api_keys.create_api_key(
            uow(),
            name=body["name"],
            scopes=frozenset(body["scopes"]),
            created_by=identity.user_id,
            expires_at=body["expires_at"],
            rate_limit_per_minute=body["rate_limit_per_minute"],
            clock=ports().clock,
        )
        # The key's fields and, beside them this once, the secret.
        return SimpleNamespace(**vars(issued.key), secret=issued.secret)


@blp.route("/<uuid:key_id>")
class OneApiKey(MethodView):
    @require_identity("admin")
    @blp.response(200, ApiKeySchema)
    @_problems(401, 403, 404)
    def get(self, key_id: uuid.UUID) -> Any:
        """One API key (without its secret)."""
        return api_keys.get_api_key(uow(), key_id=key_id)

    @require_identity("admin")
    @blp.response(204)
    @_problems(401, 403, 404)
    def delete(self, key_id: uuid.UUID) -> None:
        """Revoke an API key: the next call with it is refused, on every gateway at once."""
        api_keys.revoke_api_key(uow(), key_id=key_id, clock=ports().clock)
