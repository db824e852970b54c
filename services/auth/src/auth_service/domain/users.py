"""People who can sign in: patients, doctors and admins."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Set
from dataclasses import dataclass, replace
from datetime import datetime


class Role(enum.StrEnum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.DOCTOR, Role.ADMIN})


def normalize_email(raw: str) -> str:
    """One spelling per mailbox, so `Ann@X.org ` and `ann@x.org` are the same account."""
    return raw.strip().lower()


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    password_hash: str | None
    email_verified: bool
    disabled: bool
    created_at: datetime
    # The API key of the integration that registered this patient (None: self-registered or staff).
    registered_by_key: uuid.UUID | None = None

    @classmethod
    def new(
        cls,
        *,
        email: str,
        full_name: str,
        role: Role,
        now: datetime,
        password_hash: str | None = None,
        email_verified: bool = False,
        user_id: uuid.UUID | None = None,
        registered_by_key: uuid.UUID | None = None,
    ) -> User:
        return cls(
            id=user_id or uuid.uuid4(),
            email=normalize_email(email),
            full_name=full_name.strip(),
            role=role,
            password_hash=password_hash,
            email_verified=email_verified,
            disabled=False,
            created_at=now,
            registered_by_key=registered_by_key,
        )

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def with_password(self, password_hash: str) -> User:
        return replace(self, password_hash=password_hash)

    def verified(self) -> User:
        return replace(self, email_verified=True)

    def with_disabled(self, disabled: bool) -> User:
        return replace(self, disabled=disabled)

    def with_role(self, role: Role) -> User:
        return replace(self, role=role)


def is_last_enabled_admin(user: User, enabled_admins: Set[uuid.UUID]) -> bool:
    """Whether taking this account's admin role (or the account) away would leave no enabled admin."""
    return user.id in enabled_admins and not enabled_admins - {user.id}
