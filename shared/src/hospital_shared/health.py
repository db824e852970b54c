"""Liveness (`/healthz`) and readiness (`/readyz`): is the process up, and can it do its work right now?"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import redis
from flask import Flask, Response, jsonify, request
from sqlalchemy import Engine, text

from hospital_shared.migrations import MigrationState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadinessCheck:
    """A named probe that raises when its dependency cannot serve; it may return details to report."""

    name: str
    probe: Callable[[], Mapping[str, object] | None]


def database_check(engine: Engine) -> ReadinessCheck:
    def probe() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return ReadinessCheck("database", probe)


def redis_check(client: redis.Redis) -> ReadinessCheck:
    def probe() -> None:
        client.ping()

    return ReadinessCheck("redis", probe)


def migrations_check(engine: Engine, migrations_dir: Path) -> ReadinessCheck:
    state = MigrationState(migrations_dir)

    def probe() -> None:
        if not state.database_is_at_head(engine):
            raise RuntimeError("database schema is not at the latest migration; run the migrations")

    return ReadinessCheck("migrations", probe)


def standard_checks(engine: Engine, client: redis.Redis, migrations_dir: Path) -> list[ReadinessCheck]:
    """What every service's readiness means: its database, its Redis, and its schema at head."""
    return [database_check(engine), redis_check(client), migrations_check(engine, migrations_dir)]


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _summary_only() -> bool:
    """Through the gateway, a stranger learns ready or not: the gateway sets this header on every request
    (operators and admins get "full"); callers on the service's own port (probes, the stack, the admin's
    system page) send none and get every check."""
    return request.headers.get("X-Readiness-Detail", "full") != "full"


def _not_ready(results: Mapping[str, Mapping[str, object]]) -> tuple[Response, int]:
    body: dict[str, object] = {
        "type": "https://hospital.example/problems/not-ready",
        "title": "Service not ready",
        "status": 503,
    }
    if _summary_only():
        body["detail"] = "The service cannot serve requests right now; please retry in a moment."
    else:
        body["detail"] = "; ".join(
            f"{name}: {r['detail']}" for name, r in results.items() if r["status"] != "ok"
        )
        body["checks"] = results
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    return response, 503


def init_health(app: Flask, checks: Iterable[ReadinessCheck]) -> None:
    checks = list(checks)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        results: dict[str, dict[str, object]] = {}
        for check in checks:
            try:
                details = check.probe() or {}
                results[check.name] = {"status": "ok", **details}
            except Exception as error:
                log.warning(
                    "readiness check failed", extra={"check": check.name, "error": _first_line(error)}
                )
                results[check.name] = {"status": "unavailable", "detail": _first_line(error)}
        ready = all(result["status"] == "ok" for result in results.values())
        if not ready:
            return _not_ready(results)
        if _summary_only():
            return jsonify(status="ok"), 200
        return jsonify(status="ok", checks=results), 200
