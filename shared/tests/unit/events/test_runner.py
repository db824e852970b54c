"""RelayRunner's pacing: a relay that waits for work itself runs back to back; a process without the lock
does not spin."""

from __future__ import annotations

import time
from typing import Any

from hospital_shared.events import RelayRunner


class NeverOurs:
    """A lock another process holds."""

    def __init__(self) -> None:
        self.attempts = 0
        self.held = False

    def try_acquire(self) -> bool:
        self.attempts += 1
        return False

    def release(self) -> None:
        pass


class Ours(NeverOurs):
    def __init__(self) -> None:
        super().__init__()
        self.held = True

    def try_acquire(self) -> bool:
        self.attempts += 1
        return True


class CountingRelay:
    stream = "test"

    def __init__(self) -> None:
        self.rounds = 0

    def publish_pending(self) -> int:
        self.rounds += 1
        time.sleep(0.01)  # stands for a blocking read that found nothing
        return 0


def run_for(runner: RelayRunner, seconds: float) -> None:
    runner.start_in_background("test-runner")
    time.sleep(seconds)
    runner.stop()


def test_a_process_without_the_lock_waits_the_idle_time_between_tries() -> None:
    lock: Any = NeverOurs()
    run_for(RelayRunner(CountingRelay(), lock, interval_seconds=0, idle_wait_seconds=0.2), 0.5)
    assert 2 <= lock.attempts <= 4


def test_the_lock_holder_runs_rounds_back_to_back_when_the_interval_is_zero() -> None:
    relay, lock = CountingRelay(), Ours()
    run_for(RelayRunner(relay, lock, interval_seconds=0, idle_wait_seconds=5), 0.5)  # type: ignore[arg-type]
    assert relay.rounds >= 20
