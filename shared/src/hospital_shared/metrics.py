"""Prometheus metrics that add up correctly across gunicorn workers (multiprocess mode).

gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before any worker imports prometheus_client; without it
(tests, `flask run`) the process-local default registry is used.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class ScrapeGauge:
    """A gauge read from its source when Prometheus scrapes (rows in an outbox, entries in a stream).

    Not kept in the multiprocess files: whichever worker answers the scrape asks afresh, so no worker's stale
    value can linger and no multiprocess_mode has to pick among them. `read` yields (label values, value).
    """

    name: str
    documentation: str
    labels: Sequence[str]
    read: Callable[[], Iterable[tuple[Sequence[str], float]]]


class _ScrapeGauges(Collector):
    def __init__(self, gauges: list[ScrapeGauge]) -> None:
        self.gauges = gauges

    def describe(self) -> Iterable[Metric]:
        return []  # names are not known before the first read; nothing is read at registration

    def collect(self) -> Iterator[Metric]:
        for gauge in self.gauges:
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            try:
                for labels, value in gauge.read():
                    family.add_metric(list(labels), value)
            except Exception as error:
                # No sample rather than a made-up one; the source being down shows in /readyz and `up`.
                log.warning("metric not read", extra={"metric": gauge.name, "error": str(error)[:200]})
                continue
            yield family


def add_scrape_gauge(app: Flask, gauge: ScrapeGauge) -> None:
    """Serve `gauge` on the app's /metrics (after init_metrics), read at every scrape."""
    app.extensions["scrape_gauges"].append(gauge)


def outbox_backlog(outbox: str, pending_count: Callable[[], int]) -> ScrapeGauge:
    """hospital_outbox_backlog{outbox=...}: rows of a transactional outbox not yet published."""
    return ScrapeGauge(
        "hospital_outbox_backlog",
        "Rows of a transactional outbox not published to their stream yet.",
        ["outbox"],
        lambda: [([outbox], pending_count())],
    )


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

    gauges: list[ScrapeGauge] = app.extensions.setdefault("scrape_gauges", [])
    read_at_scrape = CollectorRegistry()
    read_at_scrape.register(_ScrapeGauges(gauges))

    @app.get("/metrics")
    def metrics() -> Response:
        body = generate_latest(_registry()) + generate_latest(read_at_scrape)
        return Response(body, mimetype=CONTENT_TYPE_LATEST)


def mark_worker_dead(pid: int) -> None:
    """gunicorn child_exit hook: drop a dead worker's live gauges from the multiprocess files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
