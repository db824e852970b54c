"""Test tiers: every collected test gets exactly one of unit, integration, e2e, browser, from where it lives.

`make unit` is `pytest -m unit` and so on; the tiers are described in the README. A unit test may not open a
socket or a PostgreSQL connection: during its setup and call both raise `NetworkInUnitTest`, so a test that
needs PostgreSQL, Redis or a local server belongs in integration/.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent
TIERS = ("unit", "integration", "e2e", "browser")

# Folders whose tier does not follow from a unit/ or integration/ segment in their path, with the reason.
FOLDER_TIERS = {
    # Starts the whole stack (nginx and every service) on ports of its own.
    "tests/e2e": "e2e",
    # Faults injected into a whole stack of its own under load (also marked chaos).
    "tests/chaos": "e2e",
    # Schemathesis through the gateway of a whole stack of its own.
    "tests/fuzz": "e2e",
    # Chromium through the gateway of a stack of its own.
    "tests/browser": "browser",
    # Specs built offline in-process, but the generated web-app types are checked by running node on them.
    "tests/contract": "integration",
    # Renders nginx configurations, runs `nginx -t` and a real nginx on a local port.
    "tests/gateway": "integration",
    # Runs docker-compose, kubectl, promtool, hadolint and nginx binaries (no engine, cluster or network).
    "tests/deploy": "integration",
    # The bench seeder on real PostgreSQL and Redis, and wrk against a local server.
    "tests/load": "integration",
}


class NetworkInUnitTest(RuntimeError):
    """A unit test tried to reach a server: it belongs in the integration tier."""


def tier_of(path: Path) -> str:
    relative = path.resolve().relative_to(ROOT)
    parts = relative.parts
    # services/<name>/tests/{unit,integration}/... and shared/tests/{unit,integration}/...
    segment = parts[parts.index("tests") + 1] if "tests" in parts[:-2] else None
    if parts[0] in {"services", "shared"} and segment in {"unit", "integration"}:
        return segment
    for folder in relative.parents:
        if (tier := FOLDER_TIERS.get(folder.as_posix())) is not None:
            return tier
    raise pytest.UsageError(f"{relative}: no test tier; put it under tests/unit/ or tests/integration/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of(Path(item.path))
        others = {mark.name for mark in item.iter_markers() if mark.name in TIERS} - {tier}
        if others:
            raise pytest.UsageError(f"{item.nodeid} is in the {tier} tier by its path but marked {others}")
        item.add_marker(getattr(pytest.mark, tier))


def _refuse(*_: Any, **__: Any) -> None:
    raise NetworkInUnitTest("a unit test opens no socket or database connection: move it to integration/")


class _Guard:
    """Refuses connections during a unit item's setup and call. Teardown is left alone: the last item of a
    run also tears down the session fixtures other tiers set up (a test database to drop)."""

    def __init__(self, item: pytest.Item) -> None:
        self.patch = pytest.MonkeyPatch() if item.get_closest_marker("unit") else None

    def __enter__(self) -> None:
        if self.patch is not None:
            self.patch.setattr(socket.socket, "connect", _refuse)
            self.patch.setattr(socket.socket, "connect_ex", _refuse)
            self.patch.setattr(socket.socket, "bind", _refuse)
            self.patch.setattr(psycopg2, "connect", _refuse)  # libpq's own socket is not Python's

    def __exit__(self, *_: object) -> None:
        if self.patch is not None:
            self.patch.undo()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _Guard(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _Guard(item):
        return (yield)
