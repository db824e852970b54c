"""The one place where Patient-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hospital_shared.db import make_engine, make_session_factory
from hospital_shared.health import ReadinessCheck, standard_checks
from hospital_shared.redis_client import make_redis
from patient_service import MIGRATIONS_DIR
from patient_service.adapters.postgres.repository import SqlPatientUnitOfWork
from patient_service.config import Settings


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: redis.Redis

    def uow(self) -> SqlPatientUnitOfWork:
        return SqlPatientUnitOfWork(self.session_factory)

    def readiness_checks(self) -> list[ReadinessCheck]:
        return standard_checks(self.engine, self.redis, MIGRATIONS_DIR)


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    return Container(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        redis=make_redis(settings.redis_url),
    )
