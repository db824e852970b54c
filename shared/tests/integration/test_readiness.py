"""Readiness against real stores: unreachable PostgreSQL and Redis fail their checks, and the migrations
check compares a real database's stamp with this code's head."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine

from hospital_shared.health import database_check, migrations_check, redis_check


def test_readiness_checks_report_unreachable_database_and_redis() -> None:
    engine = create_engine(
        "postgresql+psycopg2://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    with pytest.raises(Exception, match=r"(?i)connect"):
        database_check(engine).probe()
    with pytest.raises(redis.exceptions.ConnectionError):
        redis_check(redis.Redis(port=1, socket_connect_timeout=0.5)).probe()


def test_the_migrations_check_fails_on_an_unmigrated_database(tmp_path: Path) -> None:
    from hospital_testing import temporary_database

    migrations = tmp_path / "migrations" / "versions"
    migrations.mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("")
    (migrations / "0001_x.py").write_text('revision = "0001"\ndown_revision = None\n')
    with temporary_database("shared") as url:
        engine = create_engine(url)
        with pytest.raises(RuntimeError, match="latest migration"):
            migrations_check(engine, tmp_path / "migrations").probe()
        engine.dispose()


def _versions_dir(tmp_path: Path) -> Path:
    migrations = tmp_path / "migrations" / "versions"
    migrations.mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("")
    (migrations / "0001_x.py").write_text('revision = "0001"\ndown_revision = None\n')
    (migrations / "0002_y.py").write_text('revision = "0002"\ndown_revision = "0001"\n')
    return tmp_path / "migrations"


@pytest.mark.parametrize(
    ("stamped", "ready"),
    [("0002", True), ("0001", False), ("0003-from-a-newer-release", True)],
)
def test_ready_at_or_past_this_codes_head_but_not_behind_it(
    tmp_path: Path, stamped: str, ready: bool
) -> None:
    from sqlalchemy import text

    from hospital_shared.migrations import MigrationState
    from hospital_testing import temporary_database

    state = MigrationState(_versions_dir(tmp_path))
    with temporary_database("shared") as url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num varchar(64) PRIMARY KEY)"))
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": stamped})
        assert state.database_is_at_head(engine) is ready
        engine.dispose()
