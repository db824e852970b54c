"""Free loopback ports, and a redis-server of a test module's own."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def private_redis_fixture(scope: str = "module") -> Any:
    """A fixture: the URL of a redis-server started for this module alone (no persistence), stopped after.

    For tests whose Redis state must not be flushed by another test run sharing the machine's Redis
    (counters read across many requests). In a module: `private_redis_url = private_redis_fixture()`.
    """

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def private_redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        directory: Path = tmp_path_factory.mktemp("redis")
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 - a fixed argument list
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port),  # noqa: S607 - Debian's, on PATH
             "--save", "", "--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_for_redis(url)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)

    return private_redis_url


def _wait_for_redis(url: str, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
