"""The knobs of Auth-MS's rules, as plain values (built from the settings in bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from auth_service.domain.lockout import LockoutPolicy
from auth_service.domain.one_time_tokens import TokenPurpose
from auth_service.domain.sessions import SessionPolicy


@dataclass(frozen=True)
class AuthPolicy:
    sessions: SessionPolicy
    account_lockout: LockoutPolicy
    address_lockout: LockoutPolicy
    trusted_origins: frozenset[str]
    public_base_url: str
    password_reset_lifetime: timedelta
    email_verify_lifetime: timedelta
    set_password_lifetime: timedelta
    mail_resend_interval: timedelta

    def token_lifetime(self, purpose: TokenPurpose) -> timedelta:
        """How long a mailed link of this purpose stays usable."""
        return {
            TokenPurpose.PASSWORD_RESET: self.password_reset_lifetime,
            TokenPurpose.EMAIL_VERIFY: self.email_verify_lifetime,
            TokenPurpose.SET_PASSWORD: self.set_password_lifetime,
        }[purpose]

    def link(self, path: str) -> str:
        """Links in mails come from configuration only, never from the request's Host header."""
        return self.public_base_url.rstrip("/") + path
