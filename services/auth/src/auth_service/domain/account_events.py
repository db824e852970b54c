"""Account events: what other services learn when an account appears, is disabled, enabled or changes role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auth_service.domain.users import User

ACCOUNT_CREATED = "account.created"
ACCOUNT_DISABLED = "account.disabled"
ACCOUNT_ENABLED = "account.enabled"
ACCOUNT_ROLE_CHANGED = "account.role_changed"
SCHEMA_VERSION = 1


def account_changes(before: User | None, after: User) -> list[str]:
    """The event types that turning `before` into `after` makes (None before: a new account)."""
    if before is None:
        return [ACCOUNT_CREATED]
    changes = []
    if before.role is not after.role:
        changes.append(ACCOUNT_ROLE_CHANGED)
    if before.disabled != after.disabled:
        changes.append(ACCOUNT_DISABLED if after.disabled else ACCOUNT_ENABLED)
    return changes


def account_event_payload(
    event_type: str, user: User, *, version: int, occurred_at: datetime
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "type": event_type,
        "user_id": str(user.id),
        "version": version,
        "occurred_at": occurred_at.isoformat(),
        "account": {"id": str(user.id), "role": user.role.value, "disabled": user.disabled},
    }
