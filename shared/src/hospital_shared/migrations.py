"""Alembic plumbing shared by every service: the body of each env.py, upgrading, and the at-head check."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, MetaData, create_engine, pool


def run_env(target_metadata: MetaData) -> None:
    """The body of every migrations/env.py: migrate the database named by the config or DATABASE_URL."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("Set DATABASE_URL to the database to migrate")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def alembic_config(service_dir: Path, database_url: str | None = None) -> Config:
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(service_dir: Path, database_url: str) -> None:
    """Apply every migration of the service in `service_dir` to `database_url`."""
    command.upgrade(alembic_config(service_dir, database_url), "head")


class MigrationState:
    """Knows the service's migrations (read once); tells whether a database's schema can serve this code."""

    def __init__(self, migrations_dir: Path) -> None:
        self._migrations_dir = migrations_dir
        self._script: ScriptDirectory | None = None

    @property
    def script(self) -> ScriptDirectory:
        if self._script is None:
            config = Config()
            config.set_main_option("script_location", str(self._migrations_dir))
            self._script = ScriptDirectory.from_config(config)
        return self._script

    @property
    def heads(self) -> set[str]:
        return set(self.script.get_heads())

    def database_is_at_head(self, engine: Engine) -> bool:
        """At this code's head, or past it: during a rolling upgrade the new release migrates first, and the
        old replicas must stay ready (migrations are additive), so a revision this code does not know counts
        as newer. Behind the head, or never migrated, is not ready."""
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        if not current:
            return False
        known = {revision for revision in current if self._knows(revision)}
        if known != current:
            return True
        return current == self.heads

    def _knows(self, revision: str) -> bool:
        try:
            return self.script.get_revision(revision) is not None
        except CommandError:  # "Can't locate revision": written by a newer release
            return False
