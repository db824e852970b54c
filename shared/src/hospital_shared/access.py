"""Who may call a view: the identity headers read from the Flask request, and the view decorators.

A service believes the gateway's identity headers (hospital_shared.identity) only with the internal token.
An integration may use a route only where the route names a scope the key holds: routes guarded by role
alone refuse it, so a new route is closed to integrations until someone decides otherwise.

Each decorator leaves a `required_access` dict on the view; hospital_shared.openapi reads it (its
ACCESS_MARKER) to document the operation's security and its 401/403 answers.
"""

from __future__ import annotations

import functools
import hmac
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request

from hospital_shared.errors import Forbidden, Unauthorized
from hospital_shared.identity import (
    INTEGRATION_ROLE,
    INTERNAL_TOKEN_HEADER,
    ROLES,
    SCOPES,
    USER_ID_HEADER,
    USER_ROLE_HEADER,
    USER_SCOPES_HEADER,
    Identity,
)

F = TypeVar("F", bound=Callable[..., Any])


def current_identity() -> Identity | None:
    """The caller's identity from the gateway headers, or None for an anonymous request."""
    raw_id = request.headers.get(USER_ID_HEADER, "").strip()
    role = request.headers.get(USER_ROLE_HEADER, "").strip()
    if not raw_id or role not in ROLES:
        return None
    try:
        user_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    # Only an integration has scopes: a session user's are ignored even if a header claimed some.
    if role != INTEGRATION_ROLE:
        return Identity(user_id=user_id, role=role)
    scopes = frozenset(request.headers.get(USER_SCOPES_HEADER, "").split()) & SCOPES
    return Identity(user_id=user_id, role=role, scopes=scopes)


def _check_scope(identity: Identity, scope: str | None) -> None:
    if scope is None:
        raise Forbidden("API keys cannot be used for this.")
    if scope not in identity.scopes:
        raise Forbidden(f"This API key lacks the scope {scope}")


def _check_known(*, roles: tuple[str, ...], scope: str | None) -> None:
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    if INTEGRATION_ROLE in roles:
        raise ValueError("integrations are let in by scope=, not by role")
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")


def require_identity(*roles: str, scope: str | None = None) -> Callable[[F], F]:
    """View decorator: 401 for anonymous callers, 403 when the caller's role is not one of `roles`.

    An integration passes only when `scope` is given and its key holds it; `roles` apply to session users.
    """
    _check_known(roles=roles, scope=scope)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = current_identity()
            if identity is None:
                raise Unauthorized()  # the one wording: errors.SIGN_IN_FIRST
            if identity.is_integration:
                _check_scope(identity, scope)
            elif roles and identity.role not in roles:
                raise Forbidden("Your account is not allowed to do this.")
            return view(*args, **kwargs)

        guarded.required_access = {"signed_in": True, "roles": roles, "scope": scope}  # type: ignore
        return guarded  # type: ignore[return-value]

    return decorate


def require_integration(scope: str) -> Callable[[F], F]:
    """View decorator for routes only integrations use: 403 for session users and for keys without `scope`."""
    _check_known(roles=(), scope=scope)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = current_identity()
            if identity is None:
                raise Unauthorized("Send a valid API key to do this.")
            if not identity.is_integration:
                raise Forbidden("Only an integration's API key may do this.")
            _check_scope(identity, scope)
            return view(*args, **kwargs)

        guarded.required_access = {"signed_in": True, "roles": (), "scope": scope, "keys_only": True}  # type: ignore
        return guarded  # type: ignore[return-value]

    return decorate


def integration_scope(scope: str) -> Callable[[F], F]:
    """View decorator for public routes: anyone passes, except an integration whose key lacks `scope`."""
    _check_known(roles=(), scope=scope)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = current_identity()
            if identity is not None and identity.is_integration:
                _check_scope(identity, scope)
            return view(*args, **kwargs)

        guarded.required_access = {"signed_in": False, "roles": (), "scope": scope}  # type: ignore
        return guarded  # type: ignore[return-value]

    return decorate


def internal_token_is_valid(expected: str) -> bool:
    """True when the request carries the gateway's shared secret (compared in constant time)."""
    given = request.headers.get(INTERNAL_TOKEN_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
