"""Alembic plumbing shared by every service: the body of each env.py, upgrading, and the at-head check."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
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
    """Knows the service's head revisions (read once) and compares them with a database's."""

    def __init__(self, migrations_dir: Path) -> None:
        self._migrations_dir = migrations_dir
        self._heads: set[str] | None = None

    @property
    def heads(self) -> set[str]:
        if self._heads is None:
            config = Config()
            config.set_main_option("script_location", str(self._migrations_dir))
            self._heads = set(ScriptDirectory.from_config(config).get_heads())
        return self._heads

    def database_is_at_head(self, engine: Engine) -> bool:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        return current == self.heads
