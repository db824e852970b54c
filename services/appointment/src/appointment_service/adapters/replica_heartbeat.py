"""The thread that keeps this worker's announcement in the replica registry alive, and withdraws it."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class ReplicaHeartbeat:
    """Calls `beat` every `interval_seconds` on a daemon thread; `stop` (also run at process exit, as when
    gunicorn stops a worker) ends the loop and calls `withdraw`, so a scaled-away replica disappears at once
    instead of when its announcement expires."""

    def __init__(
        self, beat: Callable[[], object], withdraw: Callable[[], None], *, interval_seconds: float
    ) -> None:
        self._beat = beat
        self._withdraw = withdraw
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._beat()
            except Exception as error:  # Redis is down: the next beat tries again
                log.warning("replica heartbeat failed; will retry", extra={"error": str(error)[:200]})
            self._stop.wait(self._interval)

    def start_in_background(self, name: str = "replica-heartbeat") -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.stop)

    def stop(self, timeout: float = 2.0) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None
        atexit.unregister(self.stop)
        try:
            self._withdraw()
        except Exception as error:  # it will expire by itself
            log.warning("replica heartbeat not withdrawn", extra={"error": str(error)[:200]})
