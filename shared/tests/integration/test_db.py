"""The engine pays no PostgreSQL round trip per checkout, yet survives PostgreSQL dropping its connections."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Engine, event, text

from hospital_shared.db import database_unavailable, make_engine
from hospital_shared.redis_client import make_redis
from hospital_shared.settings import ServiceSettings
from hospital_shared.web import container, create_service_app
from hospital_testing import free_port, temporary_database

TOKEN = "shared-test-token"
HEADERS = {"X-Internal-Token": TOKEN}

blp = Blueprint("beds", __name__, url_prefix="/api/v1/beds")


@blp.route("/")
class Beds(MethodView):
    def get(self) -> dict:
        """Count the beds (one query)."""
        with container().engine.connect() as connection:
            return {"beds": connection.execute(text("SELECT count(*) FROM beds")).scalar_one()}


@blp.route("/cache")
class Cache(MethodView):
    def get(self) -> dict:
        """Read a Redis value."""
        return {"value": container().redis.get("beds")}


class Wiring:
    def __init__(self, engine: Engine, client: redis.Redis) -> None:
        self.engine, self.redis = engine, client


@pytest.fixture
def engine() -> Iterator[Engine]:
    with temporary_database("shared") as url:
        engine = make_engine(url, pool_size=3)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE beds (id int PRIMARY KEY)"))
            connection.execute(text("INSERT INTO beds VALUES (1), (2)"))
        yield engine
        engine.dispose()


@pytest.fixture
def app(engine: Engine) -> Flask:
    settings = ServiceSettings(environment="test", internal_token=TOKEN, service_name="beds")
    dead_redis = make_redis(f"redis://127.0.0.1:{free_port()}/0")
    return create_service_app(settings, container=Wiring(engine, dead_redis), title="Beds", blueprints=[blp])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _restart_postgres_for(engine: Engine) -> int:
    """What a PostgreSQL restart does to the pool: every connection it holds is dropped by the server."""
    database = engine.url.database
    admin = make_engine(engine.url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                ).all()
            )
    finally:
        admin.dispose()


def _fill_the_pool(client: FlaskClient) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda _: client.get("/api/v1/beds/", headers=HEADERS), range(9)))
    assert {a.status_code for a in answers} == {200}


def test_a_checkout_sends_nothing_to_postgresql_before_the_query(engine: Engine, client) -> None:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/api/v1/beds/", headers=HEADERS)
    statements.clear()

    assert client.get("/api/v1/beds/", headers=HEADERS).json == {"beds": 2}

    assert statements == ["SELECT count(*) FROM beds"]
    assert engine.pool._pre_ping is False  # the ping happens below the cursor events


def test_after_postgresql_drops_every_connection_one_request_is_a_503_and_the_next_works(
    engine: Engine, client
) -> None:
    _fill_the_pool(client)
    assert _restart_postgres_for(engine) >= 1

    failed = client.get("/api/v1/beds/", headers=HEADERS)
    recovered = [client.get("/api/v1/beds/", headers=HEADERS) for _ in range(5)]

    assert failed.status_code == 503
    assert failed.headers["Content-Type"] == "application/problem+json"
    assert failed.headers["Retry-After"] == "1"
    assert failed.json["title"] == "Service unavailable"
    assert "database" in failed.json["detail"]
    assert [r.status_code for r in recovered] == [200] * 5  # the whole pool was replaced, not one connection
    _fill_the_pool(client)  # and concurrent requests find no stale connection either


def test_postgresql_down_at_connect_time_is_a_503_too() -> None:
    settings = ServiceSettings(environment="test", internal_token=TOKEN, service_name="beds")
    nowhere = make_engine("postgresql+psycopg2://postgres@127.0.0.1:1/none")
    app = create_service_app(
        settings, container=Wiring(nowhere, redis.Redis(port=1)), title="Beds", blueprints=[blp]
    )

    response = app.test_client().get("/api/v1/beds/", headers=HEADERS)

    assert response.status_code == 503 and response.json["status"] == 503


def test_redis_unreachable_is_a_quick_503_problem_not_a_500(client) -> None:
    started = time.monotonic()
    response = client.get("/api/v1/beds/cache", headers=HEADERS)

    assert time.monotonic() - started < 1  # not redis-py's default of ten retries with backoff
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"


def test_only_connection_trouble_counts_as_unavailable(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    with pytest.raises(ProgrammingError) as bad_sql, engine.connect() as connection:
        connection.execute(text("SELECT nonsense FROM nowhere"))
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as connection:
        connection.execute(text("INSERT INTO beds VALUES (1)"))

    assert not database_unavailable(bad_sql.value)
    assert not database_unavailable(duplicate.value)
    assert database_unavailable(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
