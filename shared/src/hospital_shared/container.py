"""The connections every service's composition root starts from: database engine, sessions, Redis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, Self

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hospital_shared.db import make_engine, make_session_factory
from hospital_shared.health import ReadinessCheck, standard_checks
from hospital_shared.redis_client import make_redis
from hospital_shared.settings import ServiceSettings


class Connections(NamedTuple):
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: redis.Redis


def open_connections(settings: ServiceSettings) -> Connections:
    """Engine, session factory and Redis client for a service (lazy: nothing is dialled until first used)."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    return Connections(
        engine=engine, session_factory=make_session_factory(engine), redis=make_redis(settings.redis_url)
    )


@dataclass
class ServiceContainer:
    """What a service's bootstrap() returns; each service subclasses it with its own adapters."""

    migrations_dir: ClassVar[Path]

    settings: ServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: redis.Redis

    @classmethod
    def from_connections(cls, settings: ServiceSettings, connections: Connections, **extra: Any) -> Self:
        return cls(settings=settings, **connections._asdict(), **extra)

    def readiness_checks(self) -> list[ReadinessCheck]:
        """The service is ready when its database, its Redis and its schema at head all answer."""
        return standard_checks(self.engine, self.redis, self.migrations_dir)

    def close(self) -> None:
        """Release every connection (command-line tools and tests call this when they are done)."""
        self.engine.dispose()
        self.redis.close()
