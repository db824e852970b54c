"""A signed-in browser: a server-side session with a sliding idle timeout and an absolute lifetime."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from auth_service.domain.users import Role


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


def new_session_secret() -> str:
    """The cookie value: 256 random bits. Only its digest is stored, so a Redis dump cannot sign anyone in."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Session:
    id: uuid.UUID  # public handle shown in "my sessions"; the secret cookie value is never exposed
    user_id: uuid.UUID
    role: Role
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    user_agent: str = ""
    ip_address: str = ""
    # The user's revocation count when the sign-in began (read before the password was checked): a reset,
    # disable, role change or "sign out everywhere" counts one up, and a session of an older count is dead.
    generation: int = 0

    @classmethod
    def start(
        cls,
        *,
        user_id: uuid.UUID,
        role: Role,
        now: datetime,
        user_agent: str,
        ip_address: str,
        generation: int = 0,
    ) -> Session:
        return cls(
            id=uuid.uuid4(),
            user_id=user_id,
            role=role,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:200],
            ip_address=ip_address[:64],
            generation=generation,
        )

    def expires_at(self, policy: SessionPolicy) -> datetime:
        return min(self.last_seen_at + policy.idle, self.created_at + policy.absolute)

    def is_expired(self, now: datetime, policy: SessionPolicy) -> bool:
        return now >= self.expires_at(policy)

    def seen(self, now: datetime) -> Session:
        return replace(self, last_seen_at=max(now, self.last_seen_at))
