"""The one place where Doctor-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from doctor_service import MIGRATIONS_DIR
from doctor_service.adapters.postgres.models import doctor_outbox
from doctor_service.adapters.postgres.repository import SqlDoctorUnitOfWork
from doctor_service.config import Settings
from hospital_shared.db import make_engine, make_session_factory
from hospital_shared.events import OutboxRelay, PostgresAdvisoryLock, RelayRunner, SqlOutboxStore
from hospital_shared.health import ReadinessCheck, standard_checks
from hospital_shared.redis_client import make_redis


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: redis.Redis
    _relay_runner: RelayRunner | None = field(default=None, repr=False)

    def uow(self) -> SqlDoctorUnitOfWork:
        return SqlDoctorUnitOfWork(self.session_factory)

    def readiness_checks(self) -> list[ReadinessCheck]:
        return standard_checks(self.engine, self.redis, MIGRATIONS_DIR)

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
                relay, lock, interval_seconds=self.settings.outbox_relay_interval_seconds
            )
        return self._relay_runner


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    return Container(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        redis=make_redis(settings.redis_url),
    )
