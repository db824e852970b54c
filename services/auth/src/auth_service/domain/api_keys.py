"""API keys: how an integration (another hospital system) calls the API without a browser session.

The secret is shown once, when the key is created, and stored only as its SHA-256: a 256-bit random value
needs no slow hash, and an exact-match lookup by digest stays one index probe on every call.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hospital_shared.scopes import SCOPES

SECRET_PREFIX = "hsk_"  # noqa: S105 - the public marker of our secrets, not a secret
DISPLAY_PREFIX_LENGTH = len(SECRET_PREFIX) + 8  # "hsk_" and 8 characters: enough to tell keys apart
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=365)
DEFAULT_RATE_LIMIT_PER_MINUTE = 600
MAX_RATE_LIMIT_PER_MINUTE = 100_000
NAME_MAX_LENGTH = 100


class ApiKeyRejected(ValueError):
    """A key the admin asked for breaks a rule; `field` names the part that does."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def new_secret() -> str:
    """`hsk_` and 32 random bytes, base64url without padding."""
    return SECRET_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_secret(value: str) -> bool:
    return value.startswith(SECRET_PREFIX) and 16 <= len(value) <= 100


@dataclass(frozen=True)
class ApiKey:
    id: uuid.UUID
    name: str
    prefix: str
    secret_sha256: str
    scopes: frozenset[str]
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    rate_limit_per_minute: int
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        name: str,
        scopes: frozenset[str],
        created_by: uuid.UUID,
        now: datetime,
        expires_at: datetime | None = None,
        rate_limit_per_minute: int | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (which the caller shows once and then forgets)."""
        name = name.strip()
        if not name or len(name) > NAME_MAX_LENGTH:
            raise ApiKeyRejected("name", f"Give the key a name of 1 to {NAME_MAX_LENGTH} characters.")
        if not scopes:
            raise ApiKeyRejected("scopes", "A key needs at least one scope.")
        unknown = scopes - SCOPES
        if unknown:
            raise ApiKeyRejected("scopes", f"Unknown scopes: {', '.join(sorted(unknown))}.")
        expires_at = expires_at or now + DEFAULT_LIFETIME
        if expires_at <= now:
            raise ApiKeyRejected("expires_at", "The expiry must be in the future.")
        if expires_at > now + MAX_LIFETIME:
            raise ApiKeyRejected("expires_at", "A key lives one year at most.")
        limit = DEFAULT_RATE_LIMIT_PER_MINUTE if rate_limit_per_minute is None else rate_limit_per_minute
        if not 1 <= limit <= MAX_RATE_LIMIT_PER_MINUTE:
            raise ApiKeyRejected(
                "rate_limit_per_minute", f"Between 1 and {MAX_RATE_LIMIT_PER_MINUTE} requests a minute."
            )
        secret = new_secret()
        key = cls(
            id=uuid.uuid4(),
            name=name,
            prefix=secret[:DISPLAY_PREFIX_LENGTH],
            secret_sha256=secret_digest(secret),
            scopes=frozenset(scopes),
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
            rate_limit_per_minute=limit,
        )
        return key, secret

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoked(self, now: datetime) -> ApiKey:
        return self if self.revoked_at is not None else replace(self, revoked_at=now)


@dataclass(frozen=True)
class RateWindow:
    """Where a key stands in its current one-minute window."""

    limit: int
    used: int
    reset_seconds: int  # until the window ends

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def first_in_window(self) -> bool:
        return self.used == 1

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
