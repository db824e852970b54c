"""The one place where Doctor-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from doctor_service import MIGRATIONS_DIR
from doctor_service.adapters.accounts.auth_api import AuthApiAccounts
from doctor_service.adapters.postgres.catalog_copy import CatalogCopy
from doctor_service.adapters.postgres.models import doctor_outbox
from doctor_service.adapters.postgres.repository import SqlDoctorUnitOfWork
from doctor_service.adapters.redis.directory_cache import RedisDirectoryCache
from doctor_service.config import Settings
from doctor_service.ports import Accounts, DirectoryCache
from doctor_service.service_layer.accounts import AccountStreamFollower
from hospital_shared.clock import Clock, SystemClock
from hospital_shared.container import ServiceContainer, open_connections
from hospital_shared.events import (
    OutboxRelay,
    PostgresAdvisoryLock,
    RelayRunner,
    SqlOutboxStore,
    StreamReader,
)


class InvalidatingRelay:
    """The outbox relay, raising the directory cache's generation whenever it published something.

    The use case already raised it right after its commit; this second raise catches the case where
    Redis was unreachable at that moment (the event waits in the outbox, and so does this invalidation).
    """

    def __init__(self, relay: OutboxRelay, directory: DirectoryCache) -> None:
        self._relay = relay
        self._directory = directory
        self.stream = relay.stream

    def publish_pending(self) -> int:
        published = self._relay.publish_pending()
        if published:
            self._directory.invalidate()
        return published


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings
    directory_cache: RedisDirectoryCache = field(init=False, repr=False)
    catalog_copy: CatalogCopy = field(init=False, repr=False)
    _relay_runner: RelayRunner | None = field(default=None, repr=False)
    _account_follower: RelayRunner | None = field(default=None, repr=False)
    _accounts: Accounts | None = field(default=None, repr=False)
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        self.directory_cache = RedisDirectoryCache(
            self.redis, ttl_seconds=self.settings.directory_cache_ttl_seconds
        )
        self.catalog_copy = CatalogCopy(generation=lambda: self.directory_cache.generation_seen)

    def uow(self) -> SqlDoctorUnitOfWork:
        return SqlDoctorUnitOfWork(
            self.session_factory, directory=self.directory_cache, catalog_copy=self.catalog_copy
        )

    @property
    def accounts(self) -> Accounts:
        """Auth-MS's accounts (a new doctor must have an enabled doctor account)."""
        if self._accounts is None:
            self._accounts = AuthApiAccounts(
                self.settings.auth_internal_url,
                internal_token=self.settings.internal_token,
                timeout_seconds=self.settings.auth_timeout_seconds,
            )
        return self._accounts

    def account_follower(self) -> RelayRunner:
        """Applies Auth-MS's account events; one process applies, elected by an advisory lock."""
        if self._account_follower is None:
            stream = self.settings.account_events_stream
            follower = AccountStreamFollower(
                stream=stream,
                events=StreamReader(self.redis, stream),
                uow_factory=self.uow,
                clock=self.clock,
            )
            lock = PostgresAdvisoryLock(self.engine, f"account-events:{stream}")
            # The follower waits on the stream itself; a process without the lock looks again each second.
            self._account_follower = RelayRunner(follower, lock, interval_seconds=0, idle_wait_seconds=1.0)
        return self._account_follower

    def background_work(self) -> dict[str, RelayRunner]:
        """The outbox relay and the account-events follower, each run on a thread of every web worker (an
        advisory lock lets exactly one process of the service run each); see hospital_shared.background."""
        work: dict[str, RelayRunner] = {}
        if self.settings.outbox_relay_enabled:
            work["doctor-outbox-relay"] = self.relay_runner()
        if self.settings.account_events_enabled:
            work["doctor-account-events"] = self.account_follower()
        return work

    def close(self) -> None:
        for runner in (self._relay_runner, self._account_follower):
            if runner is not None:
                runner.stop()
        super().close()

    def outbox_store(self) -> SqlOutboxStore:
        return SqlOutboxStore(self.engine, doctor_outbox)

    def relay_runner(self) -> RelayRunner:
        """The outbox relay for the doctor-events stream; one per process, elected by an advisory lock."""
        if self._relay_runner is None:
            relay = OutboxRelay(
                self.outbox_store(),
                self.redis,
                self.settings.doctor_events_stream,
                batch_size=self.settings.outbox_relay_batch_size,
            )
            lock = PostgresAdvisoryLock(self.engine, f"outbox-relay:{self.settings.doctor_events_stream}")
            self._relay_runner = RelayRunner(
                InvalidatingRelay(relay, self.directory_cache),
                lock,
                interval_seconds=self.settings.outbox_relay_interval_seconds,
            )
        return self._relay_runner


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    return Container.from_connections(settings, open_connections(settings))
