"""Use cases around API keys: an admin issues, lists and revokes them; the gateway's verify checks them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from auth_service.domain.api_keys import ApiKey, ApiKeyRejected, RateWindow, looks_like_secret, secret_digest
from auth_service.ports import ApiKeyRateLimiter, AuthUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import NotFound, ProblemError, Unauthorized, ValidationFailed
from hospital_shared.paging import Page

MAX_PAGE_SIZE = 100
INVALID_KEY = "This API key is not valid: it is unknown, expired or revoked."
REFUSAL_HEADER = "X-Auth-Refusal"  # tells the gateway which answer to give (see gateway.conf.template)


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    secret: str  # shown in the answer to the admin who created the key, and never again


def create_api_key(
    uow: AuthUnitOfWork,
    *,
    name: str,
    scopes: frozenset[str],
    created_by: uuid.UUID,
    expires_at: datetime | None = None,
    rate_limit_per_minute: int | None = None,
    clock: Clock,
) -> IssuedApiKey:
    """Issue a key for an integration; its secret is in this answer only and is stored hashed."""
    try:
        key, secret = ApiKey.issue(
            name=name,
            scopes=scopes,
            created_by=created_by,
            now=clock.now(),
            expires_at=expires_at,
            rate_limit_per_minute=rate_limit_per_minute,
        )
    except ApiKeyRejected as rejected:
        raise ValidationFailed(rejected.message, errors={rejected.field: [rejected.message]}) from None
    with uow:
        uow.api_keys.add(key)
        uow.commit()
    return IssuedApiKey(key=key, secret=secret)


def list_api_keys(uow: AuthUnitOfWork, *, page: int, page_size: int) -> Page[ApiKey]:
    """Every key, newest first, revoked and expired ones included (never their secrets)."""
    with uow:
        return uow.api_keys.list(page=max(page, 1), page_size=min(max(page_size, 1), MAX_PAGE_SIZE))


def get_api_key(uow: AuthUnitOfWork, *, key_id: uuid.UUID) -> ApiKey:
    """One key."""
    with uow:
        key = uow.api_keys.get(key_id)
    if key is None:
        raise NotFound("There is no API key with this id.")
    return key


def revoke_api_key(uow: AuthUnitOfWork, *, key_id: uuid.UUID, clock: Clock) -> None:
    """Revoke a key: the very next call with it is refused (keys are looked up on each call, not cached)."""
    with uow:
        key = uow.api_keys.get(key_id, for_update=True)
        if key is None:
            raise NotFound("There is no API key with this id.")
        uow.api_keys.save(key.revoked(clock.now()))
        uow.commit()


class ApiKeyRateLimited(ProblemError):
    """Over the key's calls per minute. Reaches the gateway as a 403 it turns into 429 (auth_request passes
    only 2xx, 401 and 403 on; anything else would become a 500)."""

    status, title, slug = 403, "Too many requests", "too-many-requests"


@dataclass(frozen=True)
class VerifiedKey:
    key: ApiKey
    window: RateWindow | None


def verify_api_key(
    uow: AuthUnitOfWork, *, secret: str, clock: Clock, limits: ApiKeyRateLimiter | None
) -> VerifiedKey:
    """The gateway's check of a bearer key: valid, not expired, not revoked, and within its rate limit.

    `limits` None: keys are not rate limited."""
    now = clock.now()
    key = None
    if looks_like_secret(secret):
        with uow:
            key = uow.api_keys.by_secret_digest(secret_digest(secret))
    if key is None or not key.is_usable(now):
        raise Unauthorized(INVALID_KEY, headers={REFUSAL_HEADER: "api-key-invalid"})
    window = None
    if limits is not None:
        window = limits.hit(key.id, limit=key.rate_limit_per_minute, now=now)
        if window.exceeded:
            raise ApiKeyRateLimited(
                f"This API key made more than {key.rate_limit_per_minute} requests this minute; "
                f"try again in {window.reset_seconds} s.",
                headers={
                    REFUSAL_HEADER: "rate-limited",
                    "Retry-After": str(window.reset_seconds),
                    **window.headers(),
                },
            )
    if window is None or window.first_in_window:
        # At most once a minute per key, not on every call: the first call of each window writes it.
        with uow:
            uow.api_keys.mark_used(key.id, now=now)
            uow.commit()
    return VerifiedKey(key=key, window=window)
