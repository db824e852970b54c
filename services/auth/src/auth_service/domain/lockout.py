"""How failed sign-ins slow an attacker down without letting them lock the account's owner out.

Three limits, so that nobody's failures lock anyone else out:
- per (account, client network): the hard lock below. Only guesses from the attacker's own network lock it.
- per account, from every network: the same growing wait, but a network the owner signed in from before
  (a usual network) is not held to it, and it never outlasts `max_lock` after the last real attempt: a
  distributed attacker is slowed, the owner at their usual desk is not, and elsewhere waits at most minutes.
- per client network, across accounts (credential stuffing), which a usual network is not held to either.
A correct password clears the account's counters and makes the network a usual one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

# How long a network stays "usual" for an account after the owner's last sign-in from it.
USUAL_NETWORK_MEMORY = timedelta(days=90)


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
