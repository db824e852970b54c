"""hospital_testing: the fake unit of work's bookkeeping and undo, the fixed clock, the test settings."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from hospital_testing import (
    INTERNAL_TOKEN,
    REDIS_DB,
    FakeUnitOfWork,
    FixedClock,
    internal_headers,
    make_settings,
)


class Ward(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.beds: dict[int, str] = {}

    def snapshot(self) -> Any:
        return copy.deepcopy(self.beds)

    def restore(self, state: Any) -> None:
        self.beds = copy.deepcopy(state)


def test_what_a_block_commits_stays_and_is_counted() -> None:
    ward = Ward()

    with ward:
        ward.beds[1] = "Ann"
        ward.commit()

    assert ward.beds == {1: "Ann"}
    assert (ward.transactions, ward.commits, ward.committed) == (1, 1, True)


def test_what_a_block_leaves_uncommitted_is_undone_when_it_ends() -> None:
    ward = Ward()
    with ward:
        ward.beds[1] = "Ann"
        ward.commit()
        ward.beds[2] = "Bob"

    with pytest.raises(RuntimeError), ward:
        ward.beds[3] = "Cem"
        raise RuntimeError("the use case failed")

    assert ward.beds == {1: "Ann"}
    assert (ward.transactions, ward.commits, ward.rollbacks) == (2, 1, 2)


def test_a_fake_without_a_snapshot_keeps_everything_and_still_counts() -> None:
    uow = FakeUnitOfWork()

    with uow:
        pass

    assert (uow.transactions, uow.commits, uow.committed, uow.rollbacks) == (1, 0, False, 1)


def test_a_fixed_clock_stands_still_until_moved() -> None:
    clock = FixedClock(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))

    clock.advance(minutes=90)
    assert clock.now() == datetime(2027, 3, 1, 7, 30, tzinfo=UTC)
    clock.now_is(datetime(2027, 3, 2, tzinfo=UTC))
    assert clock.now() == datetime(2027, 3, 2, tzinfo=UTC)


def test_a_fixed_clock_refuses_a_time_without_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2027, 3, 1, 6, 0))


@dataclass
class Settings:
    environment: str
    database_url: str
    redis_url: str
    internal_token: str
    replicas: int = 1


def test_test_settings_use_the_services_own_redis_database_and_the_test_token() -> None:
    settings = make_settings(Settings, service="doctor", database_url="postgresql://db/x", replicas=3)

    assert settings == Settings("test", "postgresql://db/x", "redis://127.0.0.1:6379/13", INTERNAL_TOKEN, 3)
    assert internal_headers() == {"X-Internal-Token": INTERNAL_TOKEN}
    assert len(set(REDIS_DB.values())) == len(REDIS_DB)
