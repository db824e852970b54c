"""Who is calling: the identity the gateway vouches for, in plain Python (domains and use cases take it).

The gateway overwrites `X-User-Id` / `X-User-Role` / `X-User-Scopes` on every request and adds
`X-Internal-Token`; a service believes the identity headers only because the token proves the request came
through the gateway. Reading them from a Flask request lives in hospital_shared.access.

An integration (a server calling with an API key) arrives with role "integration", the key's id as user id
and the key's scopes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from hospital_shared.scopes import INTEGRATION_ROLE, SCOPES

__all__ = [
    "INTEGRATION_ROLE",
    "INTERNAL_TOKEN_HEADER",
    "ROLES",
    "SCOPES",
    "USER_ID_HEADER",
    "USER_ROLE_HEADER",
    "USER_SCOPES_HEADER",
    "Identity",
    "identity_headers",
]

ROLES = frozenset({"patient", "doctor", "admin", INTEGRATION_ROLE})
USER_ID_HEADER = "X-User-Id"
USER_ROLE_HEADER = "X-User-Role"
USER_SCOPES_HEADER = "X-User-Scopes"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret


@dataclass(frozen=True)
class Identity:
    """A signed-in user (or an integration's API key) as Auth-MS vouched for them."""

    user_id: uuid.UUID  # for an integration: the API key's id
    role: str
    scopes: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_integration(self) -> bool:
        return self.role == INTEGRATION_ROLE


def identity_headers(
    user_id: uuid.UUID | str, role: str, internal_token: str, *, scopes: Iterable[str] = ()
) -> dict[str, str]:
    """The headers the gateway would send for this user (used by service-to-service calls and tests)."""
    headers = {
        USER_ID_HEADER: str(user_id),
        USER_ROLE_HEADER: role,
        INTERNAL_TOKEN_HEADER: internal_token,
    }
    if scopes:
        headers[USER_SCOPES_HEADER] = " ".join(sorted(scopes))
    return headers
