"""Running a relay (or a stream follower, or a mail sender) in a loop on a thread, while its lock is held."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from hospital_shared.events.locks import PostgresAdvisoryLock

log = logging.getLogger(__name__)


class Relay(Protocol):
    """What RelayRunner drives: an OutboxRelay, or any relay that sends what is pending (e.g. mails)."""

    stream: str  # names what it relays, in the runner's log lines

    def publish_pending(self) -> int:
        """Send what is waiting; returns how much went out. Raises when it cannot go on."""
        ...


class RelayRunner:
    """Runs a relay in a loop: only while holding the lock, every `interval` seconds, until stopped.

    A relay that waits for work itself (a blocking stream read) runs with `interval_seconds=0`; a process
    that does not hold the lock checks again after `idle_wait_seconds` (default: the interval)."""

    def __init__(
        self,
        relay: Relay,
        lock: PostgresAdvisoryLock,
        *,
        interval_seconds: float = 0.5,
        on_error_wait_seconds: float = 2.0,
        idle_wait_seconds: float | None = None,
    ) -> None:
        self.relay = relay
        self.lock = lock
        self.interval = interval_seconds
        self.error_wait = on_error_wait_seconds
        self.idle_wait = interval_seconds if idle_wait_seconds is None else idle_wait_seconds
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One round: publish everything pending if we are (or become) the publishing relay."""
        if not self.lock.try_acquire():
            return 0
        return self.relay.publish_pending()

    def run_forever(self) -> None:
        log.info("outbox relay started", extra={"stream": self.relay.stream})
        while not self.stop_event.is_set():
            wait = self.interval
            try:
                published = self.run_once()
                if published:
                    log.info("outbox relayed", extra={"stream": self.relay.stream, "published": published})
                elif not self.lock.held:
                    wait = self.idle_wait
            except Exception as error:
                log.warning("outbox relay failed; will retry", extra={"error": str(error)[:200]})
                wait = self.error_wait
            self.stop_event.wait(wait)
        self.lock.release()

    def start_in_background(self, name: str = "outbox-relay") -> threading.Thread:
        """Start the loop on a daemon thread (it dies with the process, which frees the lock)."""
        if self._thread is None or not self._thread.is_alive():
            self.stop_event.clear()
            self._thread = threading.Thread(target=self.run_forever, name=name, daemon=True)
            self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop (if running) and give up the lock, so another relay can take over at once."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.lock.release()
