"""The knobs of Auth-MS's rules, as plain values (built from the settings in bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from auth_service.domain.lockout import LockoutPolicy
from auth_service.domain.one_time_tokens import TokenPurpose
from auth_service.domain.sessions import SessionPolicy

# A staff invitation can set the password of a doctor or admin account: it must not lie in a mailbox for days.
MAX_INVITATION_LIFETIME = timedelta(hours=24)


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
    # Unauthenticated requests (registration, forgot password) may mail an address at most this often.
    mails_per_recipient: int = 5
    mail_limit_window: timedelta = timedelta(hours=1)

    def token_lifetime(self, purpose: TokenPurpose) -> timedelta:
        """How long a mailed link of this purpose stays usable (a staff invitation 24 hours at most)."""
        return {
            TokenPurpose.PASSWORD_RESET: self.password_reset_lifetime,
            TokenPurpose.EMAIL_VERIFY: self.email_verify_lifetime,
            TokenPurpose.SET_PASSWORD: min(self.set_password_lifetime, MAX_INVITATION_LIFETIME),
        }[purpose]

    def token_link(self, page: str, raw_token: str) -> str:
        """A mailed link with its token in the fragment (`#token=`): browsers never send a fragment, so the
        token reaches no access log and no Referer; the page reads it and posts it in a JSON body."""
        return self.link(f"{page}#token={raw_token}")

    def link(self, path: str) -> str:
        """Links in mails come from configuration only, never from the request's Host header."""
        return self.public_base_url.rstrip("/") + path
