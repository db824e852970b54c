"""Google (OpenID Connect) sign-in: send the browser to the provider, then check what it brings back."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request
from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.schemas import OAuthCallbackQuerySchema
from auth_service.adapters.http.web_session import (
    OPENID_BINDING_COOKIE,
    OPENID_COOKIE_PATH,
    client_info,
    ports,
    session_secret,
    set_session_cookie,
    settings,
    uow,
)
from auth_service.ports import OpenIdProviderError
from auth_service.service_layer.identity_links import IdentityLinked, IdentityLinkFailed
from auth_service.service_layer.openid_sign_in import (
    OpenIdCallback,
    OpenIdSignInFailed,
    finish_openid_sign_in,
    start_openid_sign_in,
)
from hospital_shared.errors import ServiceUnavailable
from hospital_shared.schemas import problem_responses

log = logging.getLogger(__name__)

blp = Blueprint("oauth", __name__, url_prefix="/api/v1/auth/oauth/google", description="Sign in with Google")
NOT_CONFIGURED = "Sign-in with Google is not configured on this server."
_problems = problem_responses(blp, {404: NOT_CONFIGURED})


def _spa_url(**params: str) -> str:
    url = settings().spa_url
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _account_page_url(**params: str) -> str:
    """Where a link (done or refused) lands: the account page, which lists the links."""
    return settings().spa_url.split("?")[0].rstrip("/") + "/account?" + urlencode(params)


def set_binding_cookie(response: Response, value: str, *, max_age: int) -> None:
    response.set_cookie(
        OPENID_BINDING_COOKIE,
        value,
        max_age=max_age,
        httponly=True,
        secure=settings().cookie_secure,
        samesite="Lax",  # the provider's redirect back is a top-level GET: Lax cookies come along
        path=OPENID_COOKIE_PATH,
    )


@blp.route("/start")
class StartGoogleSignIn(MethodView):
    @blp.response(302)
    @_problems(404)
    def get(self) -> Response:
        """Send the browser to Google with a fresh state, nonce and PKCE challenge."""
        try:
            started = start_openid_sign_in(
                uow(),
                state_ttl_seconds=settings().oidc_state_ttl_seconds,
                openid=ports().openid,
                pending_sign_ins=ports().pending_sign_ins,
                attempts=ports().attempts,
                hasher=ports().hasher,
                policy=ports().policy,
            )
        except OpenIdProviderError as error:
            log.warning("openid provider unavailable", extra={"error": str(error)})
            raise ServiceUnavailable(
                "Sign-in with Google is unavailable right now. Try again later."
            ) from error
        response = redirect(started.authorization_url, code=302)
        set_binding_cookie(response, started.browser_binding, max_age=settings().oidc_state_ttl_seconds)
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/callback")
class GoogleCallback(MethodView):
    @blp.arguments(OAuthCallbackQuerySchema, location="query", unknown="exclude")
    @blp.response(302)
    @_problems(404)
    def get(self, query: dict[str, Any]) -> Response:
        """Finish the sign-in (or a link): check state, exchange the code, validate the ID token."""
        try:
            finished = finish_openid_sign_in(
                uow(),
                callback=OpenIdCallback(
                    state=query["state"],
                    code=query["code"],
                    error=query["error"],
                    browser_binding=request.cookies.get(OPENID_BINDING_COOKIE),
                    issuer=query["iss"],
                ),
                client=client_info(),
                previous_secret=session_secret(),
                openid=ports().openid,
                pending_sign_ins=ports().pending_sign_ins,
                sessions=ports().sessions,
                clock=ports().clock,
                policy=ports().policy,
                mfa_policy=ports().mfa_policy,
                mailer=ports().mailer,
            )
        except IdentityLinkFailed as failure:
            log.warning("identity link refused", extra={"code": failure.code, "reason": failure.reason})
            response = redirect(_account_page_url(link_error=failure.code), code=302)
        except OpenIdSignInFailed as failure:
            log.warning("openid sign-in refused", extra={"code": failure.code, "reason": failure.reason})
            response = redirect(_spa_url(auth_error=failure.code), code=302)
        else:
            if isinstance(finished, IdentityLinked):
                response = redirect(_account_page_url(link="linked"), code=302)
            else:
                response = redirect(_spa_url(), code=302)
                set_session_cookie(response, finished.secret)
        set_binding_cookie(response, "", max_age=0)
        response.headers["Cache-Control"] = "no-store"
        return response
