"""One stack for the e2e tests of a module: started on test ports, stopped and its databases dropped after."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import openapi_validation
from tests.e2e.stack import PrivateRedis, StackUnderTest


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """Extra environment for the module's stack (a module overrides this fixture to set some)."""
    return {}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_env: dict[str, str]) -> Iterator[StackUnderTest]:
    root: Path = tmp_path_factory.mktemp("stack")
    redis_dir = root / "redis"
    redis_dir.mkdir()
    redis = PrivateRedis(redis_dir)
    redis.start()
    test_stack = StackUnderTest(directory=root / "state", redis=redis)
    test_stack.env |= stack_env
    try:
        test_stack.run("up")
        yield test_stack
    finally:
        test_stack.run("down", "--drop-databases", check=False)
        redis.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its tally to the controller, which prints the sum."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["openapi_validation"] = openapi_validation.TALLY.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """(pytest-xdist, in the controller) a worker finished: add what it validated."""
    tally = getattr(node, "workeroutput", {}).get("openapi_validation")
    if tally:
        openapi_validation.TALLY.add(tally)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """How many answers were checked against the services' OpenAPI documents (see openapi_validation)."""
    if not openapi_validation.TALLY.validated and not openapi_validation.TALLY.violations:
        return
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    folder = cache.mkdir("openapi-validation") if cache is not None else Path(tempfile.gettempdir())
    report = folder / "openapi-validation.json"
    report.write_text(json.dumps(openapi_validation.TALLY.as_dict(), indent=2) + "\n")
    terminalreporter.write_line(openapi_validation.TALLY.line())
