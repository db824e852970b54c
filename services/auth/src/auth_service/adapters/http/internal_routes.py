"""GET /internal/verify: the gateway's auth_request target (who is calling, and may they do this?).

Two kinds of caller: a browser with a session cookie (origin and CSRF checked), or an integration with
`Authorization: Bearer hsk_...` (no CSRF: a browser page cannot make another site's browser send that header,
and the key is the whole credential). A request that carries both is refused: which identity it should act
with is anybody's guess, and guessing wrong would let a page ride on a session or a key on a browser.

The gateway reads `X-Auth-Refusal` on a 401/403 to pick its answer: an invalid key gets its own 401 detail, a
rate-limited key becomes 429 with Retry-After, both credentials at once become 400.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.schemas import VerifyQuerySchema
from auth_service.adapters.http.web_session import ports, session_secret, uow
from auth_service.service_layer.api_keys import REFUSAL_HEADER, verify_api_key
from auth_service.service_layer.sessions import verify_request
from hospital_shared.errors import Forbidden
from hospital_shared.identity import INTEGRATION_ROLE, USER_ID_HEADER, USER_ROLE_HEADER, USER_SCOPES_HEADER

blp = Blueprint("internal", __name__, url_prefix="/internal", description="For the gateway only")

_HEADER = {"schema": {"type": "string"}}


def bearer_secret() -> str | None:
    """The key from `Authorization: Bearer ...`; None when there is no bearer credential at all."""
    scheme, _, credential = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credential.strip()


@blp.route("/verify")
class Verify(MethodView):
    # An instance, not the class: webargs would build a new schema on every verify (every signed-in request).
    @blp.arguments(VerifyQuerySchema(), location="query")
    @blp.response(
        204,
        headers={
            USER_ID_HEADER: _HEADER,
            USER_ROLE_HEADER: _HEADER,
            USER_SCOPES_HEADER: _HEADER,
            "RateLimit-Limit": _HEADER,
            "RateLimit-Remaining": _HEADER,
            "RateLimit-Reset": _HEADER,
        },
    )
    @blp.alt_response(401, description="no valid session (required mode), or an invalid API key")
    @blp.alt_response(
        403,
        description="cross-site request or CSRF token missing/wrong; an API key over its rate limit "
        "(X-Auth-Refusal: rate-limited); a session cookie and an API key at once (ambiguous-credentials)",
    )
    def get(self, query: dict[str, Any]) -> Response:
        """Check the caller's API key, or the browser's session, origin and CSRF token, for the gateway."""
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        secret = bearer_secret()
        if secret is not None:
            if session_secret() is not None:
                raise Forbidden(
                    "Send either a session cookie or an API key, not both.",
                    headers={REFUSAL_HEADER: "ambiguous-credentials"},
                )
            verified = verify_api_key(
                uow(), secret=secret, clock=ports().clock, limits=ports().api_key_limits
            )
            response.headers[USER_ID_HEADER] = str(verified.key.id)
            response.headers[USER_ROLE_HEADER] = INTEGRATION_ROLE
            response.headers[USER_SCOPES_HEADER] = " ".join(sorted(verified.key.scopes))
            if verified.window is not None:
                response.headers.update(verified.window.headers())
            return response
        session = verify_request(
            session_secret=session_secret(),
            # Without the original method we cannot tell a read from a write: assume a write.
            method=request.headers.get("X-Original-Method", "POST").strip().upper(),
            origin=request.headers.get("Origin"),
            sec_fetch_site=request.headers.get("Sec-Fetch-Site"),
            csrf_token=request.headers.get("X-CSRF-Token"),
            session_required=query["mode"] == "required",
            sessions=ports().sessions,
            clock=ports().clock,
            policy=ports().policy,
        )
        if session is not None:
            response.headers[USER_ID_HEADER] = str(session.user_id)
            response.headers[USER_ROLE_HEADER] = session.role.value
        return response
