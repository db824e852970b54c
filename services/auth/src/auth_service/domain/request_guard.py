"""Rules for unsafe requests arriving through the gateway: same-origin only, and the session's CSRF token."""

from __future__ import annotations

import hmac

from hospital_shared.errors import Forbidden

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_unsafe(method: str) -> bool:
    return method.upper() in UNSAFE_METHODS


def check_origin(
    *, method: str, origin: str | None, sec_fetch_site: str | None, trusted: frozenset[str]
) -> None:
    """Refuse unsafe requests a browser says come from another site.

    A missing Origin is allowed: non-browser clients (curl, integrators) do not send one, and browsers
    always send it on unsafe requests, so its absence cannot be forced by an attacking page.
    """
    if not is_unsafe(method):
        return
    if (sec_fetch_site or "").strip().lower() == "cross-site":
        raise Forbidden("Cross-site requests may not change anything here.")
    if origin is not None and origin.strip().rstrip("/").lower() not in trusted:
        raise Forbidden("This request comes from an origin that is not allowed.")


def check_csrf(*, method: str, expected: str, given: str | None) -> None:
    """An unsafe request of a signed-in user must echo the session's CSRF token."""
    if not is_unsafe(method):
        return
    if not given:
        raise Forbidden("The X-CSRF-Token header is missing.")
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("The X-CSRF-Token header does not match this session.")
