"""Single-use, short-lived tokens mailed to a user (reset a password, verify an email, first password)."""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
    SET_PASSWORD = "set_password"  # noqa: S105
    EMAIL_VERIFY = "email_verify"


PASSWORD_PURPOSES = frozenset({TokenPurpose.PASSWORD_RESET, TokenPurpose.SET_PASSWORD})


def hash_token(raw: str) -> str:
    """Only the SHA-256 of a token is stored: a database leak does not hand out working links."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class OneTimeToken:
    id: uuid.UUID
    user_id: uuid.UUID
    purpose: TokenPurpose
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls, *, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime, lifetime: timedelta
    ) -> tuple[str, OneTimeToken]:
        raw = secrets.token_urlsafe(32)
        token = cls(
            id=uuid.uuid4(),
            user_id=user_id,
            purpose=purpose,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + lifetime,
        )
        return raw, token

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def used(self, now: datetime) -> OneTimeToken:
        return replace(self, used_at=now)
