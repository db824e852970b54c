"""A service's background work (outbox relays, stream followers, mail and webhook senders, heartbeats),
started in each web worker by the process that serves the app, never by create_app.

A service's container names its work in `background_work()`: thread name -> runner, already filtered by the
service's `*_enabled` settings. gunicorn starts it once a worker has loaded the app (post_worker_init, see
hospital_shared.gunicorn_config) and stops it when the worker exits, so the advisory lock each runner holds
passes to another worker at once. Tests build apps with create_app and get no threads, unless they call
`start_background_work(app)` themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from flask import Flask

log = logging.getLogger(__name__)


class BackgroundRunner(Protocol):
    """What runs on a thread of its own: a hospital_shared.events.RelayRunner, a heartbeat, ..."""

    def start_in_background(self, name: str) -> object: ...

    def stop(self) -> None: ...


def background_work_of(app: Flask) -> Mapping[str, BackgroundRunner]:
    """The runners the app's container names (none for a container that names none)."""
    container: Any = app.extensions.get("container")
    work = getattr(container, "background_work", None)
    return work() if work is not None else {}


def start_background_work(app: Flask) -> list[str]:
    """Start every runner the app's container names, each on a daemon thread; returns the thread names."""
    work = background_work_of(app)
    for name, runner in work.items():
        runner.start_in_background(name)
    if work:
        log.info("background work started", extra={"threads": sorted(work)})
    return list(work)


def stop_background_work(app: Flask) -> None:
    """Stop every runner (each gives up its lock, so another process takes over without waiting)."""
    for runner in background_work_of(app).values():
        try:
            runner.stop()
        except Exception as error:  # a runner that cannot stop cleanly must not keep the others running
            log.warning("background work did not stop cleanly", extra={"error": str(error)[:200]})
