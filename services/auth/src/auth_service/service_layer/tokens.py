"""Issuing the single-use tokens that registration, staff accounts and password resets mail out, and the
per-recipient quota of the mails that anyone can trigger without signing in."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from auth_service.domain.one_time_tokens import OneTimeToken, TokenPurpose
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.users import normalize_email
from auth_service.ports import AuthUnitOfWork, RecipientMailLimit


def issue_token(
    uow: AuthUnitOfWork, *, policy: AuthPolicy, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime
) -> str:
    """Store a new token (only its hash) in this unit of work; return the raw value for the mail alone."""
    raw_token, token = OneTimeToken.issue(
        user_id=user_id, purpose=purpose, now=now, lifetime=policy.token_lifetime(purpose)
    )
    uow.tokens.add(token)
    return raw_token


def recipient_key(email: str) -> str:
    """The quota key of an address (a digest: no addresses in Redis keys)."""
    return "mail:recipient:" + hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()[:32]


def may_mail(*, email: str, mail_limits: RecipientMailLimit | None, policy: AuthPolicy) -> bool:
    """Count one unauthenticated mail to `email`; False once its quota for the window is used up.

    Over the quota the caller still answers as usual (no oracle for which addresses exist) but sends nothing:
    registration and forgot-password cannot be used to flood someone's mailbox with the hospital's mail.
    No `mail_limits`: no per-recipient quota.
    """
    if mail_limits is None:
        return True
    return mail_limits.take(
        recipient_key(email),
        limit=policy.mails_per_recipient,
        window_seconds=int(policy.mail_limit_window.total_seconds()),
    )
