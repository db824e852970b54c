"""gunicorn defaults for every service; a service's gunicorn.conf.py star-imports this and names its app.

Each worker starts its app's background work (relays, followers, senders: hospital_shared.background) once it
has loaded the app, and stops it on exit. post_fork would be too early: the app is not loaded yet then.

Environment: BIND (host:port), WEB_CONCURRENCY (workers), GUNICORN_THREADS, PROMETHEUS_MULTIPROC_DIR.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hospital_shared.background import start_background_work, stop_background_work
from hospital_shared.metrics import mark_worker_dead

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
# Longer than nginx's upstream keepalive_timeout, so nginx always closes idle connections first.
keepalive = 75
accesslog = None  # the app logs each request as JSON with its request id
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True  # several gunicorns run side by side; none needs the control socket
proc_name = os.environ.get("INSTANCE_NAME") or None

# Multiprocess Prometheus needs a directory shared by the workers and emptied at every start.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(Path(tempfile.gettempdir()) / f"hospital-metrics-{bind.replace(':', '-')}"),
)


def on_starting(server: Any) -> None:
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    mark_worker_dead(worker.pid)


def post_worker_init(worker: Any) -> None:
    start_background_work(worker.wsgi)


def worker_exit(server: Any, worker: Any) -> None:
    if getattr(worker, "wsgi", None) is not None:
        stop_background_work(worker.wsgi)
