"""One stack for the e2e tests of a module: started on test ports, stopped and its databases dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import PrivateRedis, StackUnderTest


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackUnderTest]:
    root: Path = tmp_path_factory.mktemp("stack")
    redis_dir = root / "redis"
    redis_dir.mkdir()
    redis = PrivateRedis(redis_dir)
    redis.start()
    test_stack = StackUnderTest(directory=root / "state", redis=redis)
    try:
        test_stack.run("up")
        yield test_stack
    finally:
        test_stack.run("down", "--drop-databases", check=False)
        redis.stop()
