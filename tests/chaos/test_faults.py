"""The short chaos run of `make test`: scaling, a killed replica and a Redis restart under a small load.

`make chaos` runs all six faults with more requests and prints the full report (tests/chaos/__main__.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chaos.hospital import ChaosHospital, chaos_hospital
from tests.chaos.report import describe
from tests.chaos.scenarios import SCENARIOS, run

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

REQUESTS = 400  # at most, per scenario; the pace (10-20 a second) keeps each to a few hundred


@pytest.fixture(scope="module")
def hospital() -> Iterator[ChaosHospital]:
    with chaos_hospital() as started:
        yield started


def test_scaling_appointment_up_to_three_and_back_to_one_fails_no_request(hospital: ChaosHospital) -> None:
    result = run(hospital, SCENARIOS["a"], max_requests=REQUESTS)
    assert result.passed, describe(result)
    assert result.acknowledged, "some bookings went through during the scaling"


def test_a_killed_replica_fails_no_search_and_loses_or_doubles_no_acknowledged_booking(
    hospital: ChaosHospital,
) -> None:
    result = run(hospital, SCENARIOS["c"], max_requests=REQUESTS)
    assert result.passed, describe(result)


def test_a_redis_restart_gives_only_clean_503s_and_everything_works_again_within_five_seconds(
    hospital: ChaosHospital,
) -> None:
    result = run(hospital, SCENARIOS["d"], max_requests=REQUESTS)
    assert result.passed, describe(result)
