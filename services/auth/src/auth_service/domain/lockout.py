"""How failed sign-ins slow an attacker down without locking a real user out for long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` failures within `window`, each further failure locks for an exponentially
    growing time capped at `max_lock`. Attempts refused during a lock are not counted, so an attacker
    cannot stretch a lock beyond `max_lock` after their last real attempt."""

    max_failures: int
    window: timedelta
    base_lock: timedelta
    max_lock: timedelta

    def lock_after(self, failures: int) -> timedelta:
        if failures < self.max_failures:
            return timedelta(0)
        exponent = min(failures - self.max_failures, 30)
        return min(self.base_lock * (2**exponent), self.max_lock)
