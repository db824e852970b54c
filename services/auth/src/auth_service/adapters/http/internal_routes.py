"""GET /internal/verify: the gateway's auth_request target (who is calling, and may they do this?)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.schemas import VerifyQuerySchema
from auth_service.adapters.http.web_session import ports, session_secret
from auth_service.service_layer.sessions import VerifyRequest, verify_request
from hospital_shared.identity import USER_ID_HEADER, USER_ROLE_HEADER

blp = Blueprint("internal", __name__, url_prefix="/internal", description="For the gateway only")


@blp.route("/verify")
class Verify(MethodView):
    # An instance, not the class: webargs would build a new schema on every verify (every signed-in request).
    @blp.arguments(VerifyQuerySchema(), location="query")
    @blp.response(204, headers={USER_ID_HEADER: {"schema": {"type": "string"}}})
    @blp.alt_response(401, description="no valid session (required mode)")
    @blp.alt_response(403, description="cross-site request or CSRF token missing/wrong")
    def get(self, query: dict[str, Any]) -> Response:
        """Check the browser's session, origin and CSRF token of the request the gateway will forward."""
        session = verify_request(
            VerifyRequest(
                session_secret=session_secret(),
                # Without the original method we cannot tell a read from a write: assume a write.
                method=request.headers.get("X-Original-Method", "POST").strip().upper(),
                origin=request.headers.get("Origin"),
                sec_fetch_site=request.headers.get("Sec-Fetch-Site"),
                csrf_token=request.headers.get("X-CSRF-Token"),
                session_required=query["mode"] == "required",
            ),
            ports=ports(),
        )
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        if session is not None:
            response.headers[USER_ID_HEADER] = str(session.user_id)
            response.headers[USER_ROLE_HEADER] = session.role.value
        return response
