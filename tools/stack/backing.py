"""The backing services: PostgreSQL and Redis (used if they answer, started if not), databases, migrations."""

from __future__ import annotations

import shutil
import subprocess
import time

import psycopg2
import redis
from psycopg2 import sql
from sqlalchemy.engine import make_url

from hospital_shared.migrations import upgrade_to_head
from tools.stack.config import REPO, SERVICES, StackConfig, say


def _admin_dsn(config: StackConfig) -> str:
    return make_url(config.database_admin_url).render_as_string(hide_password=False).replace("+psycopg2", "")


def postgres_answers(config: StackConfig) -> bool:
    try:
        psycopg2.connect(_admin_dsn(config), connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def ensure_postgres(config: StackConfig, state: dict) -> None:
    """Use the PostgreSQL that answers; otherwise start the machine's cluster (installing it if needed)."""
    if postgres_answers(config):
        return
    say("PostgreSQL does not answer; starting a local cluster")
    if not shutil.which("pg_lsclusters"):
        subprocess.run(["bash", str(REPO / "tools" / "install-system-deps.sh"), "postgresql"], check=True)
    clusters = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.split()
    version, name = clusters[0], clusters[1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], check=True)
    state["started_postgres"] = [version, name]
    for _ in range(30):
        if postgres_answers(config):
            # Tests and the runner connect over TCP as postgres without a password, as on the CI machines.
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not come up; see its log under /var/log/postgresql")


def ensure_redis(config: StackConfig, state: dict) -> None:
    """Use the Redis that answers; otherwise start one on the configured port, with its files in STACK_DIR."""
    client = redis.Redis.from_url(config.redis_url, socket_connect_timeout=1)
    try:
        client.ping()
        return
    except redis.exceptions.ConnectionError:
        pass
    if not shutil.which("redis-server"):
        subprocess.run(["bash", str(REPO / "tools" / "install-system-deps.sh"), "redis"], check=True)
    url = make_url(config.redis_url.replace("redis://", "postgresql://", 1))
    port = url.port or 6379
    say(f"Redis does not answer; starting redis-server on 127.0.0.1:{port}")
    data_dir = config.stack_dir / "redis"
    data_dir.mkdir(exist_ok=True)
    pidfile = config.run_dir / "redis.pid"
    subprocess.run(
        [
            "redis-server",
            "--bind", "127.0.0.1", "--port", str(port), "--daemonize", "yes",
            "--pidfile", str(pidfile), "--dir", str(data_dir), "--save", "", "--appendonly", "no",
            "--logfile", str(config.log_dir / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    state["started_redis_pidfile"] = str(pidfile)
    for _ in range(20):
        try:
            client.ping()
            return
        except redis.exceptions.ConnectionError:
            time.sleep(0.25)
    raise SystemExit("redis-server did not come up")


def ensure_databases(config: StackConfig) -> None:
    connection = psycopg2.connect(_admin_dsn(config))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for service in SERVICES:
            name = config.db_prefix + service.database
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                say(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_databases(config: StackConfig) -> None:
    """Only for throw-away stacks (the e2e tests): drop the prefixed databases."""
    if not config.db_prefix:
        raise SystemExit("refusing to drop unprefixed databases")
    connection = psycopg2.connect(_admin_dsn(config))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for service in SERVICES:
            name = config.db_prefix + service.database
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    connection.close()


def migrate(config: StackConfig) -> None:
    for service in SERVICES:
        if service.present:
            say(f"migrating {service.name}")
            upgrade_to_head(service.directory, config.database_url(service))
