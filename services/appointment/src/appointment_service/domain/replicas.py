"""Appointment-MS replicas as their workers' heartbeats describe them, and the minute of requests each keeps.

Every gunicorn worker counts its own requests in a `RequestWindow` (the last 60 seconds, one slot a second)
and publishes a `WorkerHeartbeat` now and then. A replica is the workers sharing an instance name: its rate
is the sum of theirs, and its latency percentiles come from their histograms merged (percentiles themselves
cannot be averaged). Latencies are counted in buckets that grow by 2^(1/8), so a percentile is reported as
its bucket's upper bound: never low, and at most 9 % high.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

WINDOW_SECONDS = 60
# Upper bounds (ms) of the latency buckets: 0.1 ms doubling every 8 buckets, past a minute.
LATENCY_BOUNDS_MS: tuple[float, ...] = tuple(0.1 * 2 ** (i / 8) for i in range(156))


@dataclass
class LatencyHistogram:
    """How many requests took how long: request count per bucket index (see LATENCY_BOUNDS_MS)."""

    counts: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def bucket_of(duration_ms: float) -> int:
        """The first bucket whose upper bound holds the duration (the last one holds everything longer)."""
        return min(bisect.bisect_left(LATENCY_BOUNDS_MS, duration_ms), len(LATENCY_BOUNDS_MS) - 1)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, counts: Mapping[int, int]) -> None:
        for bucket, count in counts.items():
            self.counts[bucket] = self.counts.get(bucket, 0) + count

    @classmethod
    def merged(cls, histograms: Iterable[LatencyHistogram]) -> LatencyHistogram:
        merged = cls()
        for histogram in histograms:
            merged.add(histogram.counts)
        return merged

    def percentile(self, share: float) -> float | None:
        """The duration (ms) that `share` (0.5 for p50) of the requests stayed within; None without any."""
        total = self.total
        if total == 0:
            return None
        rank = max(1, math.ceil(share * total))  # nearest rank
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                break
        return math.ceil(LATENCY_BOUNDS_MS[bucket] * 100) / 100  # rounded up, so never low


@dataclass(frozen=True)
class WindowSnapshot:
    """A worker's last minute: how many requests, over how many seconds (less while it is younger)."""

    requests: int
    seconds: float
    latency: LatencyHistogram


class _Second:
    __slots__ = ("count", "counts", "second")

    def __init__(self) -> None:
        self.second, self.count, self.counts = -1, 0, {}

    def restart(self, second: int) -> None:
        self.second, self.count, self.counts = second, 0, {}


class RequestWindow:
    """The durations of one process's requests over the last `seconds`, in one slot per second.

    Safe to record into from every request thread at once; `ticks` is a monotonic clock in seconds."""

    def __init__(self, *, seconds: int = WINDOW_SECONDS, ticks: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._ticks = ticks
        self._started = ticks()
        self._slots = [_Second() for _ in range(seconds)]
        self._lock = threading.Lock()

    def record(self, duration_ms: float) -> None:
        second = math.floor(self._ticks())
        bucket = LatencyHistogram.bucket_of(duration_ms)
        slot = self._slots[second % self._seconds]
        with self._lock:
            if slot.second != second:
                slot.restart(second)
            slot.count += 1
            slot.counts[bucket] = slot.counts.get(bucket, 0) + 1

    def snapshot(self) -> WindowSnapshot:
        now = self._ticks()
        oldest = math.floor(now) - self._seconds + 1
        latency, requests = LatencyHistogram(), 0
        with self._lock:
            for slot in self._slots:
                if slot.second >= oldest:
                    requests += slot.count
                    latency.add(slot.counts)
        covered = min(now - oldest, now - self._started)
        return WindowSnapshot(requests=requests, seconds=max(covered, 1.0), latency=latency)


@dataclass(frozen=True)
class ReplicaWorker:
    """One gunicorn worker of one replica (instance), as it names itself in its heartbeats."""

    instance: str
    address: str
    pid: int
    started_at: datetime


@dataclass(frozen=True)
class WorkerHeartbeat:
    """What a worker last said about itself: who it is, when, and its last minute of requests."""

    worker: ReplicaWorker
    seen_at: datetime
    requests: int
    window_seconds: float
    latency: LatencyHistogram

    @classmethod
    def of(cls, worker: ReplicaWorker, window: WindowSnapshot, *, now: datetime) -> WorkerHeartbeat:
        return cls(
            worker=worker,
            seen_at=now,
            requests=window.requests,
            window_seconds=window.seconds,
            latency=window.latency,
        )

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.window_seconds if self.window_seconds > 0 else 0.0


@dataclass(frozen=True)
class ReplicaStats:
    """One Appointment-MS replica: its workers' heartbeats added up."""

    name: str
    address: str
    workers: int
    requests_last_minute: int
    requests_per_second: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    started_at: datetime
    last_seen_at: datetime


def _natural(name: str) -> list[object]:
    """appointment-2 before appointment-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def replicas_from(heartbeats: Iterable[WorkerHeartbeat]) -> list[ReplicaStats]:
    """The replicas the heartbeats speak of, by name; a replica started when its oldest worker did."""
    by_instance: dict[str, list[WorkerHeartbeat]] = {}
    for beat in heartbeats:
        by_instance.setdefault(beat.worker.instance, []).append(beat)
    replicas = []
    for name in sorted(by_instance, key=_natural):
        beats = by_instance[name]
        latest = max(beats, key=lambda beat: beat.seen_at)
        latency = LatencyHistogram.merged(beat.latency for beat in beats)
        replicas.append(
            ReplicaStats(
                name=name,
                address=latest.worker.address,
                workers=len(beats),
                requests_last_minute=sum(beat.requests for beat in beats),
                requests_per_second=round(sum(beat.requests_per_second for beat in beats), 3),
                latency_p50_ms=latency.percentile(0.5),
                latency_p95_ms=latency.percentile(0.95),
                started_at=min(beat.worker.started_at for beat in beats),
                last_seen_at=latest.seen_at,
            )
        )
    return replicas
