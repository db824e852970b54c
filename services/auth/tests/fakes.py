"""Fakes of Auth-MS's ports (no I/O): repositories and a unit of work on hospital_testing's, the session
store, counters, hasher, mailer and OpenID provider; tests/unit/conftest.py wires them into its fixtures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import hospital_testing
from auth_service.domain.api_keys import ApiKey, RateWindow
from auth_service.domain.id_token import IdTokenInvalid, SignedToken
from auth_service.domain.lockout import LockoutPolicy
from auth_service.domain.mails import MailMessage
from auth_service.domain.one_time_tokens import OneTimeToken, TokenPurpose
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.sessions import Session, SessionPolicy
from auth_service.domain.totp import TotpAuthenticator
from auth_service.domain.users import Role, User
from auth_service.ports import (
    ApiKeyRateLimiter,
    ApiKeyRepository,
    AttemptCounter,
    AttemptState,
    AuthUnitOfWork,
    ExternalIdentityRepository,
    IdentityLink,
    Mailer,
    MfaChallenge,
    MfaChallengeStore,
    MfaRepository,
    OneTimeTokenRepository,
    OpenIdProvider,
    OpenIdProviderError,
    PasswordHasher,
    PendingSignIn,
    PendingSignInStore,
    SessionStore,
    UserRepository,
)
from hospital_shared.paging import Page


class FakeUserRepository(UserRepository):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, User] = {}

    def add(self, user: User) -> None:
        self.rows[user.id] = user

    def save(self, user: User) -> None:
        self.rows[user.id] = user

    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        return self.rows.get(user_id)

    def lock_enabled_admins(self) -> frozenset[uuid.UUID]:
        return frozenset(u.id for u in self.rows.values() if u.role is Role.ADMIN and not u.disabled)

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.rows.values() if u.email == email), None)

    def list(self, *, page: int, page_size: int, role: Role | None, query: str | None) -> Page[User]:
        found = [u for u in self.rows.values() if role is None or u.role == role]
        found = [u for u in found if not query or query in u.email or query in u.full_name]
        return Page.of(found, page=page, page_size=page_size)


class FakeTokenRepository(OneTimeTokenRepository):
    def __init__(self) -> None:
        self.rows: dict[str, OneTimeToken] = {}

    def add(self, token: OneTimeToken) -> None:
        self.rows[token.token_hash] = token

    def by_hash_for_update(self, token_hash: str) -> OneTimeToken | None:
        return self.rows.get(token_hash)

    def save(self, token: OneTimeToken) -> None:
        self.rows[token.token_hash] = token

    def expire_unused(self, user_id: uuid.UUID, purposes: frozenset[TokenPurpose], now: datetime) -> None:
        for key, token in list(self.rows.items()):
            if token.user_id == user_id and token.purpose in purposes and token.used_at is None:
                self.rows[key] = token.used(now)


class FakeIdentityRepository(ExternalIdentityRepository):
    def __init__(self) -> None:
        self.links: dict[tuple[str, str], uuid.UUID] = {}
        self.details: dict[tuple[str, str], IdentityLink] = {}

    def user_id_for(self, issuer: str, subject: str) -> uuid.UUID | None:
        return self.links.get((issuer, subject))

    def link(
        self, *, issuer: str, subject: str, user_id: uuid.UUID, email: str | None, now: datetime
    ) -> None:
        self.links[(issuer, subject)] = user_id
        self.details[(issuer, subject)] = IdentityLink(
            id=uuid.uuid4(),
            issuer=issuer,
            subject=subject,
            user_id=user_id,
            email_at_link=email,
            linked_at=now,
        )

    def for_user(self, user_id: uuid.UUID) -> list[IdentityLink]:
        return [self.details[key] for key, owner in self.links.items() if owner == user_id]

    def remove(self, user_id: uuid.UUID, link_id: uuid.UUID) -> bool:
        for link in self.for_user(user_id):
            if link.id == link_id:
                del self.links[(link.issuer, link.subject)]
                return True
        return False

    def remove_all_for_user(self, user_id: uuid.UUID) -> int:
        doomed = [key for key, owner in self.links.items() if owner == user_id]
        for key in doomed:
            del self.links[key]
        return len(doomed)


class FakeApiKeyRepository(ApiKeyRepository):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, ApiKey] = {}
        self.used: list[tuple[uuid.UUID, datetime]] = []

    def add(self, key: ApiKey) -> None:
        self.rows[key.id] = key

    def get(self, key_id: uuid.UUID, *, for_update: bool = False) -> ApiKey | None:
        return self.rows.get(key_id)

    def by_secret_digest(self, digest: str) -> ApiKey | None:
        return next((k for k in self.rows.values() if k.secret_sha256 == digest), None)

    def list(self, *, page: int, page_size: int) -> Page[ApiKey]:
        keys = sorted(self.rows.values(), key=lambda k: k.created_at, reverse=True)
        return Page.of(keys, page=page, page_size=page_size)

    def save(self, key: ApiKey) -> None:
        self.rows[key.id] = key

    def mark_used(self, key_id: uuid.UUID, *, now: datetime) -> None:
        self.used.append((key_id, now))
        self.rows[key_id] = replace(self.rows[key_id], last_used_at=now)


class FakeApiKeyLimits(ApiKeyRateLimiter):
    """Counts per key and clock minute, like the Redis adapter."""

    def __init__(self) -> None:
        self.counts: dict[tuple[uuid.UUID, int], int] = {}

    def hit(self, key_id: uuid.UUID, *, limit: int, now: datetime) -> RateWindow:
        epoch = int(now.timestamp())
        window = (key_id, epoch // 60)
        self.counts[window] = self.counts.get(window, 0) + 1
        return RateWindow(limit=limit, used=self.counts[window], reset_seconds=60 - epoch % 60)


class FakeUnitOfWork(hospital_testing.FakeUnitOfWork, AuthUnitOfWork):
    """Shares the repositories across units of work; what a block did not commit of the accounts, tokens
    and links is undone when it ends."""

    def __init__(self) -> None:
        super().__init__()
        self.users = FakeUserRepository()
        self.tokens = FakeTokenRepository()
        self.identities = FakeIdentityRepository()
        self.mfa = FakeMfaRepository()
        self.api_keys = FakeApiKeyRepository()

    def snapshot(self) -> Any:
        return (dict(self.users.rows), dict(self.tokens.rows), dict(self.identities.links))

    def restore(self, state: Any) -> None:
        self.users.rows, self.tokens.rows, self.identities.links = (dict(part) for part in state)


class FakeSessionStore(SessionStore):
    def __init__(self) -> None:
        self.by_secret: dict[str, Session] = {}
        self.generations: dict[uuid.UUID, int] = {}

    def generation(self, user_id: uuid.UUID) -> int:
        return self.generations.get(user_id, 0)

    def add(self, secret: str, session: Session, *, expires_at: datetime) -> bool:
        if session.generation != self.generation(session.user_id):
            return False
        self.by_secret[secret] = session
        return True

    def get(self, secret: str) -> Session | None:
        return self.by_secret.get(secret)

    def get_and_touch(self, secret: str, *, now: datetime, policy: SessionPolicy) -> Session | None:
        session = self.by_secret.get(secret)
        if session is not None and session.generation != self.generation(session.user_id):
            del self.by_secret[secret]
            return None
        if session is not None and not session.is_expired(now, policy):
            self.by_secret[secret] = session.seen(now)
        return session

    def delete(self, secret: str) -> None:
        self.by_secret.pop(secret, None)

    def for_user(self, user_id: uuid.UUID) -> list[Session]:
        return [s for s in self.by_secret.values() if s.user_id == user_id]

    def delete_by_id(self, user_id: uuid.UUID, session_id: uuid.UUID) -> bool:
        for secret, session in list(self.by_secret.items()):
            if session.user_id == user_id and session.id == session_id:
                del self.by_secret[secret]
                return True
        return False

    def delete_all_for_user(self, user_id: uuid.UUID) -> int:
        self.generations[user_id] = self.generation(user_id) + 1
        doomed = [k for k, s in self.by_secret.items() if s.user_id == user_id]
        for secret in doomed:
            del self.by_secret[secret]
        return len(doomed)


class FakeAttemptCounter(AttemptCounter):
    def __init__(self) -> None:
        self.failures: dict[str, int] = {}
        self.locks: dict[str, datetime] = {}
        self.seen: set[str] = set()
        self.marks: set[str] = set()

    def state(self, key: str) -> AttemptState:
        return AttemptState(failures=self.failures.get(key, 0), locked_until=self.locks.get(key))

    def record_failure(self, key: str, *, window_seconds: int) -> int:
        self.failures[key] = self.failures.get(key, 0) + 1
        return self.failures[key]

    def lock(self, key: str, *, until: datetime, window_seconds: int) -> None:
        self.locks[key] = until

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)
        self.locks.pop(key, None)

    def first_within(self, key: str, *, seconds: int) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def remember(self, key: str, *, seconds: int) -> None:
        self.marks.add(key)

    def remembers(self, key: str) -> bool:
        return key in self.marks


class FakeHasher(PasswordHasher):
    """Reversible on purpose: unit tests check the rules, not bcrypt (the adapter has its own tests)."""

    def __init__(self) -> None:
        self.verifications = 0

    def hash(self, password: str) -> str:
        return "fake$" + password

    def verify(self, password: str, password_hash: str | None) -> bool:
        self.verifications += 1
        return password_hash is not None and password_hash == "fake$" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeMailer(Mailer):
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)

    def last_link(self) -> str:
        body = self.sent[-1].body
        return next(word for word in body.split() if word.startswith("http"))

    def last_token(self) -> str:
        return self.last_link().split("token=")[1]


class FakePendingSignIns(PendingSignInStore):
    def __init__(self) -> None:
        self.pending: dict[str, PendingSignIn] = {}

    def put(self, state: str, pending: PendingSignIn, *, ttl_seconds: int) -> None:
        self.pending[state] = pending

    def pop(self, state: str) -> PendingSignIn | None:
        return self.pending.pop(state, None)


class FakeOpenIdProvider(OpenIdProvider):
    """Hands out whatever ID token a test queued; signatures are "valid" unless a test says otherwise."""

    issuer = "https://issuer.test"
    client_id = "client-1"
    clock_skew = timedelta(seconds=60)

    def __init__(self) -> None:
        self.next_id_token: str | None = None
        self.exchanged: list[tuple[str, str]] = []
        self.signature_ok = True

    def authorization_url(self, params: dict[str, str]) -> str:
        return self.issuer + "/auth?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))

    def exchange_code(self, *, code: str, code_verifier: str) -> str:
        self.exchanged.append((code, code_verifier))
        if self.next_id_token is None:
            raise OpenIdProviderError("invalid_grant")
        token, self.next_id_token = self.next_id_token, None
        return token

    def verify_signature(self, token: SignedToken) -> None:
        if not self.signature_ok:
            raise IdTokenInvalid("bad signature")


def make_policy() -> AuthPolicy:
    return AuthPolicy(
        sessions=SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12)),
        account_lockout=LockoutPolicy(
            max_failures=5,
            window=timedelta(minutes=15),
            base_lock=timedelta(seconds=1),
            max_lock=timedelta(minutes=5),
        ),
        address_lockout=LockoutPolicy(
            max_failures=100,
            window=timedelta(minutes=15),
            base_lock=timedelta(minutes=15),
            max_lock=timedelta(minutes=15),
        ),
        trusted_origins=frozenset({"https://hospital.test"}),
        public_base_url="https://hospital.test",
        password_reset_lifetime=timedelta(minutes=30),
        email_verify_lifetime=timedelta(hours=48),
        set_password_lifetime=timedelta(hours=72),
        mail_resend_interval=timedelta(seconds=60),
    )


@dataclass
class _Code:
    user_id: uuid.UUID
    used_at: datetime | None = None


class FakeMfaRepository(MfaRepository):
    def __init__(self) -> None:
        self.authenticators: dict[uuid.UUID, TotpAuthenticator] = {}
        self.codes: dict[str, _Code] = {}

    def authenticator(self, user_id: uuid.UUID, *, for_update: bool = False) -> TotpAuthenticator | None:
        return self.authenticators.get(user_id)

    def save_authenticator(self, authenticator: TotpAuthenticator) -> None:
        self.authenticators[authenticator.user_id] = authenticator

    def remove_for_user(self, user_id: uuid.UUID) -> None:
        self.authenticators.pop(user_id, None)
        self.codes = {h: c for h, c in self.codes.items() if c.user_id != user_id}

    def replace_recovery_codes(self, user_id: uuid.UUID, code_hashes: list[str], *, now: datetime) -> None:
        self.codes = {h: c for h, c in self.codes.items() if c.user_id != user_id}
        self.codes.update({h: _Code(user_id=user_id) for h in code_hashes})

    def use_recovery_code(self, user_id: uuid.UUID, code_hash: str, *, now: datetime) -> bool:
        code = self.codes.get(code_hash)
        if code is None or code.user_id != user_id or code.used_at is not None:
            return False
        self.codes[code_hash] = replace(code, used_at=now)
        return True

    def recovery_codes_left(self, user_id: uuid.UUID) -> int:
        return sum(1 for c in self.codes.values() if c.user_id == user_id and c.used_at is None)


class FakeMfaChallengeStore(MfaChallengeStore):
    def __init__(self) -> None:
        self.challenges: dict[str, MfaChallenge] = {}
        self.failures: dict[str, int] = {}

    def put(self, token: str, challenge: MfaChallenge, *, ttl_seconds: int) -> None:
        self.challenges[token] = challenge
        self.failures[token] = 0

    def get(self, token: str) -> MfaChallenge | None:
        return self.challenges.get(token)

    def record_failure(self, token: str) -> int:
        self.failures[token] = self.failures.get(token, 0) + 1
        return self.failures[token]

    def take(self, token: str) -> bool:
        return self.challenges.pop(token, None) is not None
