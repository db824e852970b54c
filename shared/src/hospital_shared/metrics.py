"""Prometheus metrics that add up correctly across gunicorn workers (multiprocess mode).

gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before any worker imports prometheus_client; without it
(tests, `flask run`) the process-local default registry is used.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by route template, method and status.",
    ["service", "route", "method", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time spent answering HTTP requests, by route template and method.",
    ["service", "route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def init_metrics(app: Flask, service_name: str) -> None:
    """Count and time every request by its route template (not the raw path: ids would explode labels)."""

    # One child per label set, looked up once: .labels() validates and locks on every call.
    @functools.cache
    def timer(route: str, method: str) -> Any:
        return LATENCY.labels(service_name, route, method)

    @functools.cache
    def counter(route: str, method: str, status: int) -> Any:
        return REQUESTS.labels(service_name, route, method, str(status))

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        started = g.get("request_started")
        rule, method = request.url_rule, request.method
        route = rule.rule if rule is not None else "unmatched"
        if started is not None:
            timer(route, method).observe(time.perf_counter() - started)
        counter(route, method, response.status_code).inc()
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def mark_worker_dead(pid: int) -> None:
    """gunicorn child_exit hook: drop a dead worker's live gauges from the multiprocess files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
