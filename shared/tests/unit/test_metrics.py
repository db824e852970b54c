"""Requests are counted and timed per route template, method and status, however often a label set recurs."""

from __future__ import annotations

from flask import Flask
from prometheus_client import REGISTRY

from hospital_shared.metrics import ScrapeGauge, add_scrape_gauge
from hospital_shared.settings import ServiceSettings
from hospital_shared.web import create_service_app


def _count(service: str, route: str, status: str) -> float:
    labels = {"service": service, "route": route, "method": "GET", "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def test_each_request_is_counted_once_under_its_route_and_status() -> None:
    settings = ServiceSettings(environment="test", internal_token="t" * 20, service_name="counted")
    app: Flask = create_service_app(settings, container=object(), title="Counted", blueprints=[])
    client = app.test_client()
    before_ok, before_missing = _count("counted", "/healthz", "200"), _count("counted", "unmatched", "404")

    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page", headers={"X-Internal-Token": "t" * 20})
    client.get("/no/other/page", headers={"X-Internal-Token": "t" * 20})

    assert _count("counted", "/healthz", "200") == before_ok + 3
    assert _count("counted", "unmatched", "404") == before_missing + 2
    timed = {"service": "counted", "route": "/healthz", "method": "GET"}
    assert REGISTRY.get_sample_value("http_request_duration_seconds_count", timed) >= 3


def _app_with_gauges(*gauges: ScrapeGauge) -> Flask:
    settings = ServiceSettings(environment="test", internal_token="t" * 20, service_name="gauged")
    app: Flask = create_service_app(settings, container=object(), title="Gauged", blueprints=[])
    for gauge in gauges:
        add_scrape_gauge(app, gauge)
    return app


def test_a_scrape_gauge_is_read_afresh_at_every_scrape() -> None:
    backlog = [3]
    gauge = ScrapeGauge(
        "test_outbox_backlog", "Rows waiting.", ["outbox"], lambda: [(["test_outbox"], backlog[0])]
    )
    client = _app_with_gauges(gauge).test_client()

    first = client.get("/metrics").get_data(as_text=True)
    backlog[0] = 0
    second = client.get("/metrics").get_data(as_text=True)

    assert 'test_outbox_backlog{outbox="test_outbox"} 3.0' in first
    assert 'test_outbox_backlog{outbox="test_outbox"} 0.0' in second
    assert "http_requests_total" in second  # the request metrics are still served beside it


def test_a_gauge_whose_source_fails_has_no_sample_and_the_others_are_still_served() -> None:
    def broken() -> list[tuple[list[str], float]]:
        raise ConnectionError("database down")

    app = _app_with_gauges(
        ScrapeGauge("test_broken_backlog", "Fails.", [], broken),
        ScrapeGauge("test_lag_events", "Works.", [], lambda: [([], 7)]),
    )

    answer = app.test_client().get("/metrics")

    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert "test_broken_backlog " not in body
    assert "test_lag_events 7.0" in body
