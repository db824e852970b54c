"""The session cookie and the caller's client details, as the HTTP adapters see them."""

from __future__ import annotations

from typing import Any

from flask import Response, after_this_request, request

from auth_service.bootstrap import AuthPorts
from auth_service.config import Settings
from auth_service.ports import AuthUnitOfWork
from auth_service.service_layer.sessions import ClientInfo
from hospital_shared.web import client_address, container

OPENID_BINDING_COOKIE = "hospital_oidc"
OPENID_COOKIE_PATH = "/api/v1/auth/oauth/"


def settings() -> Settings:
    return container().settings


def ports() -> AuthPorts:
    return container().ports


def uow() -> AuthUnitOfWork:
    """A unit of work for one use case (each `with uow:` block in it is a transaction of its own)."""
    return container().ports.uow()


def session_secret() -> str | None:
    return request.cookies.get(settings().session_cookie_name) or None


def client_info() -> ClientInfo:
    return ClientInfo(user_agent=request.headers.get("User-Agent", ""), ip_address=client_address())


def _cookie_options() -> dict[str, Any]:
    config = settings()
    return {
        "httponly": True,
        "secure": config.cookie_secure,
        "samesite": config.session_cookie_samesite,
        "path": "/",
    }


def set_session_cookie(response: Response, secret: str) -> Response:
    response.set_cookie(
        settings().session_cookie_name,
        secret,
        max_age=settings().session_absolute_seconds,
        **_cookie_options(),
    )
    return response


def clear_session_cookie(response: Response) -> Response:
    response.delete_cookie(settings().session_cookie_name, **_cookie_options())
    return response


def attach_session_cookie(secret: str) -> None:
    """Set the session cookie on the response this view is about to return."""
    after_this_request(lambda response: set_session_cookie(response, secret))


def drop_session_cookie() -> None:
    after_this_request(clear_session_cookie)
