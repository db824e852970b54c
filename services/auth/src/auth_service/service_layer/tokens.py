"""Issuing the single-use tokens that registration, staff accounts and password resets mail out."""

from __future__ import annotations

import uuid
from datetime import datetime

from auth_service.domain.one_time_tokens import OneTimeToken, TokenPurpose
from auth_service.domain.policy import AuthPolicy
from auth_service.ports import AuthUnitOfWork


def issue_token(
    uow: AuthUnitOfWork, policy: AuthPolicy, *, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime
) -> str:
    """Store a new token (only its hash) in this unit of work; return the raw value for the mail alone."""
    raw_token, token = OneTimeToken.issue(
        user_id=user_id, purpose=purpose, now=now, lifetime=policy.token_lifetime(purpose)
    )
    uow.tokens.add(token)
    return raw_token
