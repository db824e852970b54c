"""The one place where Auth-MS's adapters are wired together."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from auth_service import MIGRATIONS_DIR
from auth_service.adapters.mail.smtp import BackgroundMailer, SmtpMailer
from auth_service.adapters.oidc.provider import HttpOpenIdProvider
from auth_service.adapters.postgres.models import account_outbox
from auth_service.adapters.postgres.repository import SqlAuthUnitOfWork
from auth_service.adapters.redis.api_key_limits import RedisApiKeyRateLimiter
from auth_service.adapters.redis.attempts import RedisAttemptCounter
from auth_service.adapters.redis.mail_limits import RedisRecipientMailLimit
from auth_service.adapters.redis.mfa_challenges import RedisMfaChallengeStore
from auth_service.adapters.redis.pending_sign_ins import RedisPendingSignInStore
from auth_service.adapters.redis.sessions import RedisSessionStore
from auth_service.adapters.security.bcrypt_hasher import BcryptPasswordHasher
from auth_service.config import Settings
from auth_service.domain.lockout import LockoutPolicy
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.sessions import SessionPolicy
from auth_service.domain.totp import MfaPolicy
from auth_service.ports import (
    ApiKeyRateLimiter,
    AttemptCounter,
    AuthUnitOfWork,
    Mailer,
    MfaChallengeStore,
    OpenIdProvider,
    PasswordHasher,
    PendingSignInStore,
    RecipientMailLimit,
    SessionStore,
)
from hospital_shared.clock import Clock, SystemClock
from hospital_shared.container import ServiceContainer, open_connections
from hospital_shared.events import OutboxRelay, PostgresAdvisoryLock, RelayRunner, SqlOutboxStore


@dataclass
class AuthPorts:
    """The adapters behind every port, wired once here; a view hands each use case the ones it names
    (unit tests fill it with fakes)."""

    uow: Callable[[], AuthUnitOfWork]
    sessions: SessionStore
    attempts: AttemptCounter
    hasher: PasswordHasher
    mailer: Mailer
    clock: Clock
    pending_sign_ins: PendingSignInStore
    policy: AuthPolicy
    openid: OpenIdProvider | None = None
    mail_limits: RecipientMailLimit | None = None  # None: no per-recipient quota (unit tests that ignore it)
    mfa_challenges: MfaChallengeStore | None = None
    mfa_policy: MfaPolicy = field(default_factory=lambda: MfaPolicy())
    api_key_limits: ApiKeyRateLimiter | None = None  # None: API keys are not rate limited (unit tests)


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings
    ports: AuthPorts
    _relay_runner: RelayRunner | None = field(default=None, repr=False)

    def uow(self) -> SqlAuthUnitOfWork:
        return self.ports.uow()  # type: ignore[return-value]

    def close(self) -> None:
        if self._relay_runner is not None:
            self._relay_runner.stop()
        super().close()

    def background_work(self) -> dict[str, RelayRunner]:
        """The account-events relay, run on a thread of every web worker (an advisory lock lets exactly one
        of them publish); see hospital_shared.background."""
        if not self.settings.outbox_relay_enabled:
            return {}
        return {"account-outbox-relay": self.relay_runner()}

    def outbox_store(self) -> SqlOutboxStore:
        return SqlOutboxStore(self.engine, account_outbox)

    def relay_runner(self) -> RelayRunner:
        """The outbox relay for the account-events stream; one per process, elected by an advisory lock."""
        if self._relay_runner is None:
            stream = self.settings.account_events_stream
            relay = OutboxRelay(
                self.outbox_store(), self.redis, stream, batch_size=self.settings.outbox_relay_batch_size
            )
            self._relay_runner = RelayRunner(
                relay,
                PostgresAdvisoryLock(self.engine, f"outbox-relay:{stream}"),
                interval_seconds=self.settings.outbox_relay_interval_seconds,
            )
        return self._relay_runner


def policy_from(settings: Settings) -> AuthPolicy:
    return AuthPolicy(
        sessions=SessionPolicy(
            idle=timedelta(seconds=settings.session_idle_seconds),
            absolute=timedelta(seconds=settings.session_absolute_seconds),
        ),
        account_lockout=LockoutPolicy(
            max_failures=settings.login_account_max_failures,
            window=timedelta(seconds=settings.login_account_window_seconds),
            base_lock=timedelta(seconds=1),
            max_lock=timedelta(seconds=settings.login_account_max_lock_seconds),
        ),
        address_lockout=LockoutPolicy(
            max_failures=settings.login_ip_max_failures,
            window=timedelta(seconds=settings.login_ip_window_seconds),
            base_lock=timedelta(seconds=settings.login_ip_window_seconds),
            max_lock=timedelta(seconds=settings.login_ip_window_seconds),
        ),
        trusted_origins=settings.trusted_origins,
        public_base_url=settings.public_base_url,
        password_reset_lifetime=timedelta(seconds=settings.password_reset_ttl_seconds),
        email_verify_lifetime=timedelta(seconds=settings.email_verify_ttl_seconds),
        set_password_lifetime=timedelta(seconds=settings.set_password_ttl_seconds),
        mail_resend_interval=timedelta(seconds=settings.mail_resend_seconds),
    )


def openid_provider_from(settings: Settings) -> OpenIdProvider | None:
    if not settings.oidc_enabled:
        return None
    return HttpOpenIdProvider(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_uri=settings.effective_oidc_redirect_uri,
        scopes=settings.oidc_scopes,
        timeout_seconds=settings.oidc_http_timeout_seconds,
        clock_skew=timedelta(seconds=settings.oidc_clock_skew_seconds),
    )


def mailer_from(settings: Settings) -> Mailer:
    smtp = SmtpMailer(
        settings.smtp_url, mail_from=settings.mail_from, timeout_seconds=settings.smtp_timeout_seconds
    )
    if not settings.mail_in_background:
        return smtp
    return BackgroundMailer(smtp, ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail"))


def bootstrap(settings: Settings, *, clock: Clock | None = None, mailer: Mailer | None = None) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    clock = clock or SystemClock()
    connections = open_connections(settings)
    client = connections.redis
    ports = AuthPorts(
        uow=lambda: SqlAuthUnitOfWork(connections.session_factory, clock=clock),
        sessions=RedisSessionStore(client, clock, index_ttl_seconds=settings.session_absolute_seconds),
        attempts=RedisAttemptCounter(client, clock),
        hasher=BcryptPasswordHasher(settings.bcrypt_rounds),
        mailer=mailer or mailer_from(settings),
        clock=clock,
        pending_sign_ins=RedisPendingSignInStore(client),
        policy=policy_from(settings),
        openid=openid_provider_from(settings),
        mail_limits=RedisRecipientMailLimit(client),
        mfa_challenges=RedisMfaChallengeStore(client),
        mfa_policy=MfaPolicy(
            staff_required=settings.staff_mfa_required,
            challenge_lifetime_seconds=settings.mfa_challenge_ttl_seconds,
            issuer=settings.mfa_issuer,
        ),
        api_key_limits=RedisApiKeyRateLimiter(client),
    )
    return Container.from_connections(settings, connections, ports=ports)
