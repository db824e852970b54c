"""Who is calling: the identity the gateway vouches for, and the internal token that makes it trustworthy.

The gateway overwrites `X-User-Id` / `X-User-Role` on every request and adds `X-Internal-Token`; a service
believes the identity headers only because the token proves the request came through the gateway.
"""

from __future__ import annotations

import functools
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import request

from hospital_shared.errors import Forbidden, Unauthorized

ROLES = frozenset({"patient", "doctor", "admin"})
USER_ID_HEADER = "X-User-Id"
USER_ROLE_HEADER = "X-User-Role"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Identity:
    """A signed-in user as Auth-MS vouched for them."""

    user_id: uuid.UUID
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def current_identity() -> Identity | None:
    """The caller's identity from the gateway headers, or None for an anonymous request."""
    raw_id = request.headers.get(USER_ID_HEADER, "").strip()
    role = request.headers.get(USER_ROLE_HEADER, "").strip()
    if not raw_id or role not in ROLES:
        return None
    try:
        return Identity(user_id=uuid.UUID(raw_id), role=role)
    except ValueError:
        return None


def require_identity(*roles: str) -> Callable[[F], F]:
    """View decorator: 401 for anonymous callers, 403 when the caller's role is not one of `roles`."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = current_identity()
            if identity is None:
                raise Unauthorized("Sign in to do this.")
            if roles and identity.role not in roles:
                raise Forbidden("Your account is not allowed to do this.")
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def internal_token_is_valid(expected: str) -> bool:
    """True when the request carries the gateway's shared secret (compared in constant time)."""
    given = request.headers.get(INTERNAL_TOKEN_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def identity_headers(user_id: uuid.UUID | str, role: str, internal_token: str) -> dict[str, str]:
    """The headers the gateway would send for this user (used by service-to-service calls and tests)."""
    return {
        USER_ID_HEADER: str(user_id),
        USER_ROLE_HEADER: role,
        INTERNAL_TOKEN_HEADER: internal_token,
    }
