"""Request windows, latency histograms and how workers' heartbeats add up to replicas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from appointment_service.domain.replicas import (
    LATENCY_BOUNDS_MS,
    LatencyHistogram,
    ReplicaWorker,
    RequestWindow,
    WindowSnapshot,
    WorkerHeartbeat,
    replicas_from,
)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def histogram(*durations_ms: float) -> LatencyHistogram:
    found = LatencyHistogram()
    for duration in durations_ms:
        found.add({LatencyHistogram.bucket_of(duration): 1})
    return found


def beat(
    instance: str, pid: int, *, requests: int = 0, seconds: float = 60.0,
    latency: LatencyHistogram | None = None, started_minutes_ago: int = 10, seen_seconds_ago: int = 0,
    address: str = "127.0.0.1:5004",
) -> WorkerHeartbeat:  # fmt: skip
    worker = ReplicaWorker(
        instance=instance, address=address, pid=pid, started_at=NOW - timedelta(minutes=started_minutes_ago)
    )
    window = WindowSnapshot(requests=requests, seconds=seconds, latency=latency or LatencyHistogram())
    return WorkerHeartbeat.of(worker, window, now=NOW - timedelta(seconds=seen_seconds_ago))


def test_a_percentile_is_the_upper_bound_of_its_bucket_never_low_and_at_most_nine_percent_high() -> None:
    for duration in (0.05, 0.7, 3.0, 12.5, 48.0, 230.0, 1999.0):
        reported = histogram(duration).percentile(0.5)
        assert reported is not None
        assert duration <= reported <= max(duration * 1.091, LATENCY_BOUNDS_MS[0]), duration


def test_p50_and_p95_follow_the_nearest_rank() -> None:
    durations = [10.0] * 90 + [200.0] * 10  # the 95th of 100 is one of the slow ones
    found = histogram(*durations)
    assert found.percentile(0.5) == pytest.approx(10.0, rel=0.1)
    assert found.percentile(0.95) == pytest.approx(200.0, rel=0.1)
    assert histogram(*([10.0] * 96 + [200.0] * 4)).percentile(0.95) == pytest.approx(10.0, rel=0.1)


def test_no_requests_means_no_percentile() -> None:
    assert LatencyHistogram().percentile(0.5) is None


def test_a_duration_past_the_last_bucket_lands_in_the_last_one() -> None:
    assert LatencyHistogram.bucket_of(10 * 60 * 1000) == len(LATENCY_BOUNDS_MS) - 1


def test_the_window_counts_the_last_minute_only() -> None:
    ticks = Ticks()
    window = RequestWindow(ticks=ticks)
    ticks.now += 120  # an old worker
    window.record(5.0)
    ticks.now += 30
    window.record(7.0)
    window.record(9.0)
    assert window.snapshot().requests == 3
    ticks.now += 31  # the first request is now 61 s old
    snapshot = window.snapshot()
    assert snapshot.requests == 2
    assert snapshot.seconds == pytest.approx(60, abs=1)
    assert snapshot.latency.total == 2


def test_a_young_worker_rates_its_requests_over_its_own_age() -> None:
    ticks = Ticks()
    window = RequestWindow(ticks=ticks)
    for _ in range(20):
        window.record(3.0)
    ticks.now += 10
    snapshot = window.snapshot()
    assert snapshot.seconds == pytest.approx(10)
    worker = ReplicaWorker(instance="appointment-1", address="a", pid=1, started_at=NOW)
    assert WorkerHeartbeat.of(worker, snapshot, now=NOW).requests_per_second == pytest.approx(2.0)


def test_a_slot_reused_after_a_minute_starts_from_zero() -> None:
    ticks = Ticks()
    window = RequestWindow(ticks=ticks)
    for _ in range(5):
        window.record(1.0)
    ticks.now += 60  # the same slot of the ring, one minute later
    window.record(1.0)
    assert window.snapshot().requests == 1


def test_workers_of_one_instance_make_one_replica_with_their_rates_added() -> None:
    replicas = replicas_from(
        [
            beat("appointment-1", 101, requests=600, latency=histogram(*[10.0] * 600)),
            beat("appointment-1", 102, requests=300, latency=histogram(*[100.0] * 300), seen_seconds_ago=3),
            beat("appointment-2", 201, requests=0, started_minutes_ago=1, address="127.0.0.1:5104"),
        ]
    )
    assert [r.name for r in replicas] == ["appointment-1", "appointment-2"]
    first, second = replicas
    assert first.workers == 2
    assert first.requests_last_minute == 900
    assert first.requests_per_second == pytest.approx(15.0)
    # Merged histograms: two thirds of the requests took 10 ms, so the median is 10 ms and p95 100 ms.
    assert first.latency_p50_ms == pytest.approx(10.0, rel=0.1)
    assert first.latency_p95_ms == pytest.approx(100.0, rel=0.1)
    assert first.started_at == NOW - timedelta(minutes=10)
    assert first.last_seen_at == NOW
    assert second.address == "127.0.0.1:5104"
    assert second.requests_per_second == 0
    assert second.latency_p50_ms is None and second.latency_p95_ms is None


def test_replicas_are_ordered_by_number_not_by_text() -> None:
    names = [r.name for r in replicas_from([beat(f"appointment-{n}", n) for n in (10, 2, 1)])]
    assert names == ["appointment-1", "appointment-2", "appointment-10"]


def test_a_replica_started_when_its_oldest_worker_did() -> None:
    (replica,) = replicas_from(
        [beat("appointment-1", 1, started_minutes_ago=2), beat("appointment-1", 2, started_minutes_ago=30)]
    )
    assert replica.started_at == NOW - timedelta(minutes=30)
