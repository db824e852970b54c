"""SQLAlchemy engine and session factories, and the unit-of-work base the services build on."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

import sqlalchemy.exc
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, pool_size: int = 5, statement_timeout_ms: int = 10_000) -> Engine:
    """An engine with a bounded pool that recovers from dropped connections and never waits forever.

    No pre-ping: it cost a PostgreSQL round trip before every request's first query. Instead a dead
    connection is found by the query that uses it; SQLAlchemy then invalidates the whole pool (every
    connection opened before the failure is replaced on its next checkout), that one request answers 503
    (see `database_unavailable` and the web layer's handler) and the next one gets a fresh connection.
    """
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        pool_timeout=5,
        connect_args={
            "connect_timeout": 3,
            "options": f"-c statement_timeout={statement_timeout_ms} -c timezone=UTC",
        },
    )


def database_unavailable(error: BaseException) -> bool:
    """True when `error` means PostgreSQL cannot serve right now (gone, restarting, too slow, pool empty).

    Such a failure says nothing about the request, and the same request may well succeed a moment later,
    so it is a 503, not a 500.
    """
    if isinstance(error, sqlalchemy.exc.TimeoutError):  # no pooled connection free within pool_timeout
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, sqlalchemy.exc.OperationalError)
    return False


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class UnitOfWork(abc.ABC):
    """One business transaction: use cases work inside `with uow:` and call `uow.commit()` explicitly."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A unit of work over one SQLAlchemy session; subclasses attach their repositories in `_start`."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self._start(self.session)
        return super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        self.session.close()

    def _start(self, session: Session) -> None:
        """Attach repositories to the fresh session."""

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
