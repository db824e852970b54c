"""What Auth-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth_service.domain.api_keys import ApiKey, RateWindow
from auth_service.domain.id_token import SignedToken
from auth_service.domain.mails import MailMessage
from auth_service.domain.one_time_tokens import OneTimeToken, TokenPurpose
from auth_service.domain.sessions import Session, SessionPolicy
from auth_service.domain.totp import TotpAuthenticator
from auth_service.domain.users import Role, User
from hospital_shared.db import UnitOfWork
from hospital_shared.paging import Page


class UserRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, user: User) -> None: ...

    @abc.abstractmethod
    def save(self, user: User) -> None: ...

    @abc.abstractmethod
    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        """The account; with `for_update`, locked until the transaction ends."""

    @abc.abstractmethod
    def lock_enabled_admins(self) -> frozenset[uuid.UUID]:
        """The ids of every enabled admin, their rows locked until the transaction ends (always in one order).

        Taken before any account is locked, so two admins demoting or disabling each other at once cannot
        both see the other as a remaining admin (nor deadlock).
        """

    @abc.abstractmethod
    def by_email(self, email: str) -> User | None: ...

    @abc.abstractmethod
    def list(self, *, page: int, page_size: int, role: Role | None, query: str | None) -> Page[User]: ...


class OneTimeTokenRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, token: OneTimeToken) -> None: ...

    @abc.abstractmethod
    def by_hash_for_update(self, token_hash: str) -> OneTimeToken | None:
        """The token with this hash, locked until the transaction ends (so it is used at most once)."""

    @abc.abstractmethod
    def save(self, token: OneTimeToken) -> None: ...

    @abc.abstractmethod
    def expire_unused(self, user_id: uuid.UUID, purposes: frozenset[TokenPurpose], now: datetime) -> None:
        """Mark every still-unused token of these purposes as used, e.g. once a password has been reset."""


@dataclass(frozen=True)
class IdentityLink:
    """One provider user (`iss`, `sub`) that may sign in to a local account."""

    id: uuid.UUID
    issuer: str
    subject: str
    user_id: uuid.UUID
    email_at_link: str | None
    linked_at: datetime


class ExternalIdentityRepository(abc.ABC):
    """Links between a provider's user (`iss`, `sub`) and a local account."""

    @abc.abstractmethod
    def user_id_for(self, issuer: str, subject: str) -> uuid.UUID | None: ...

    @abc.abstractmethod
    def link(
        self, *, issuer: str, subject: str, user_id: uuid.UUID, email: str | None, now: datetime
    ) -> None: ...

    @abc.abstractmethod
    def for_user(self, user_id: uuid.UUID) -> list[IdentityLink]:
        """The account's links, oldest first."""

    @abc.abstractmethod
    def remove(self, user_id: uuid.UUID, link_id: uuid.UUID) -> bool:
        """Remove one of the account's links; False when it has no such link."""

    @abc.abstractmethod
    def remove_all_for_user(self, user_id: uuid.UUID) -> int:
        """Remove every link of the account (on password reset and when it is disabled)."""


class ApiKeyRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, key: ApiKey) -> None: ...

    @abc.abstractmethod
    def get(self, key_id: uuid.UUID, *, for_update: bool = False) -> ApiKey | None: ...

    @abc.abstractmethod
    def by_secret_digest(self, digest: str) -> ApiKey | None: ...

    @abc.abstractmethod
    def list(self, *, page: int, page_size: int) -> Page[ApiKey]:
        """Every key, newest first (revoked and expired ones too)."""

    @abc.abstractmethod
    def save(self, key: ApiKey) -> None: ...

    @abc.abstractmethod
    def mark_used(self, key_id: uuid.UUID, *, now: datetime) -> None:
        """Record `now` as the key's last use (the caller makes this rare: once a minute at most)."""


class AuthUnitOfWork(UnitOfWork):
    """Account changes are written with their account events, in one transaction (see `users.add/save`)."""

    users: UserRepository
    tokens: OneTimeTokenRepository
    identities: ExternalIdentityRepository
    mfa: MfaRepository
    api_keys: ApiKeyRepository


class SessionStore(abc.ABC):
    """Server-side sessions, found by the secret from the cookie; each user's sessions are listed together."""

    @abc.abstractmethod
    def generation(self, user_id: uuid.UUID) -> int:
        """How many times the user's sessions were revoked: read before a sign-in checks the password."""

    @abc.abstractmethod
    def add(self, secret: str, session: Session, *, expires_at: datetime) -> bool:
        """Store the session in one step with its index entry; False (nothing stored) when the user's
        sessions were revoked since `session.generation` was read."""

    @abc.abstractmethod
    def get(self, secret: str) -> Session | None: ...

    @abc.abstractmethod
    def get_and_touch(self, secret: str, *, now: datetime, policy: SessionPolicy) -> Session | None:
        """The session as it was stored, after restarting its idle timer at `now` if it was live then.

        One atomic step (the gateway asks on every signed-in request). A revoked session (older generation
        than the user's) is None. An expired session is returned untouched: the caller decides, with
        `Session.is_expired`, and deletes it.
        """

    @abc.abstractmethod
    def delete(self, secret: str) -> None: ...

    @abc.abstractmethod
    def for_user(self, user_id: uuid.UUID) -> list[Session]: ...

    @abc.abstractmethod
    def delete_by_id(self, user_id: uuid.UUID, session_id: uuid.UUID) -> bool: ...

    @abc.abstractmethod
    def delete_all_for_user(self, user_id: uuid.UUID) -> int:
        """Revoke: count the user's generation up and delete every session, in one step. A session being
        created at that moment (its generation read before) is refused by `add` and by `get_and_touch`."""


@dataclass(frozen=True)
class AttemptState:
    failures: int
    locked_until: datetime | None


class AttemptCounter(abc.ABC):
    """Counts failed attempts per key (an account, a client address) within a window."""

    @abc.abstractmethod
    def state(self, key: str) -> AttemptState: ...

    @abc.abstractmethod
    def record_failure(self, key: str, *, window_seconds: int) -> int:
        """Count one more failure; the count is forgotten `window_seconds` after the last failure."""

    @abc.abstractmethod
    def lock(self, key: str, *, until: datetime, window_seconds: int) -> None: ...

    @abc.abstractmethod
    def clear(self, key: str) -> None: ...

    @abc.abstractmethod
    def first_within(self, key: str, *, seconds: int) -> bool:
        """True the first time `key` is seen in `seconds` (used to avoid mail floods)."""

    @abc.abstractmethod
    def remember(self, key: str, *, seconds: int) -> None:
        """Keep a mark under `key` for `seconds` (a network the account's owner signed in from)."""

    @abc.abstractmethod
    def remembers(self, key: str) -> bool: ...


class RecipientMailLimit(abc.ABC):
    """How many mails one address may get, within a window, from requests nobody has to sign in for."""

    @abc.abstractmethod
    def take(self, recipient_key: str, *, limit: int, window_seconds: int) -> bool:
        """Count one mail to this recipient; False (and nothing counted) once `limit` is reached."""


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    def verify(self, password: str, password_hash: str | None) -> bool:
        """Check a password; with no hash, spend the same time on a dummy hash and answer False."""

    @abc.abstractmethod
    def needs_rehash(self, password_hash: str) -> bool: ...


class Mailer(abc.ABC):
    @abc.abstractmethod
    def send(self, message: MailMessage) -> None: ...


@dataclass(frozen=True)
class PendingSignIn:
    """What we remember between sending the browser to the provider and its return."""

    nonce: str
    code_verifier: str
    browser_binding_hash: str
    # Set when a signed-in user links the provider identity: only this user's session may finish it.
    link_user_id: uuid.UUID | None = None
    link_session_id: uuid.UUID | None = None
    # A digest of the password hash when the link began: a reset committed meanwhile makes the finish fail.
    link_password_digest: str | None = None


class PendingSignInStore(abc.ABC):
    @abc.abstractmethod
    def put(self, state: str, pending: PendingSignIn, *, ttl_seconds: int) -> None: ...

    @abc.abstractmethod
    def pop(self, state: str) -> PendingSignIn | None:
        """Take the pending sign-in for `state` out (at most one caller ever gets it)."""


class OpenIdProviderError(Exception):
    """The provider could not be reached or refused; the sign-in fails."""


class OpenIdProvider(abc.ABC):
    issuer: str
    client_id: str
    clock_skew: timedelta

    @abc.abstractmethod
    def authorization_url(self, params: dict[str, str]) -> str: ...

    @abc.abstractmethod
    def exchange_code(self, *, code: str, code_verifier: str) -> str:
        """Trade the authorization code for tokens; returns the raw ID token."""

    @abc.abstractmethod
    def verify_signature(self, token: SignedToken) -> None:
        """Raise IdTokenInvalid unless one of the provider's RS256 keys signed `token`."""


class MfaRepository(abc.ABC):
    """Staff second factor: one TOTP authenticator per account and its single-use recovery codes."""

    @abc.abstractmethod
    def authenticator(self, user_id: uuid.UUID, *, for_update: bool = False) -> TotpAuthenticator | None: ...

    @abc.abstractmethod
    def save_authenticator(self, authenticator: TotpAuthenticator) -> None:
        """Insert or replace the account's authenticator."""

    @abc.abstractmethod
    def remove_for_user(self, user_id: uuid.UUID) -> None:
        """Forget the authenticator and every recovery code of the account."""

    @abc.abstractmethod
    def replace_recovery_codes(
        self, user_id: uuid.UUID, code_hashes: list[str], *, now: datetime
    ) -> None: ...

    @abc.abstractmethod
    def use_recovery_code(self, user_id: uuid.UUID, code_hash: str, *, now: datetime) -> bool:
        """Mark the unused code with this hash used, in one step; False if there is none (or it was used)."""

    @abc.abstractmethod
    def recovery_codes_left(self, user_id: uuid.UUID) -> int: ...


@dataclass(frozen=True)
class MfaChallenge:
    """A sign-in waiting for its second factor (or, when MFA is mandatory, for a first enrolment)."""

    user_id: uuid.UUID
    purpose: str  # "verify" (enrolled: send a code) or "enrol" (mandatory and not yet enrolled)
    browser_binding_hash: str
    # The account's revocation count when the password was checked: a reset or disable since ends it.
    generation: int | None = None


class MfaChallengeStore(abc.ABC):
    """Pending second-factor sign-ins, short-lived, found by the hash of their token."""

    @abc.abstractmethod
    def put(self, token: str, challenge: MfaChallenge, *, ttl_seconds: int) -> None: ...

    @abc.abstractmethod
    def get(self, token: str) -> MfaChallenge | None: ...

    @abc.abstractmethod
    def record_failure(self, token: str) -> int:
        """Count one more wrong code for this challenge; the new count."""

    @abc.abstractmethod
    def take(self, token: str) -> bool:
        """Remove the challenge; True for exactly one caller (a challenge finishes one sign-in)."""


class ApiKeyRateLimiter(abc.ABC):
    """Counts each key's calls in fixed one-minute windows, shared by every Auth-MS process."""

    @abc.abstractmethod
    def hit(self, key_id: uuid.UUID, *, limit: int, now: datetime) -> RateWindow:
        """Count one call of the key in the window that holds `now`; where the key then stands."""
