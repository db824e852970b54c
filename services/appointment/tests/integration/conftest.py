"""Fixtures of the integration tests: a stand-in for Auth-MS's contact route, one per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hospital_testing import INTERNAL_TOKEN

from .mail_fixtures import AuthStub


@pytest.fixture(scope="module")
def auth_ms() -> Iterator[AuthStub]:
    stub = AuthStub(INTERNAL_TOKEN)
    yield stub
    stub.stop()
