"""Requests are counted and timed per route template, method and status, however often a label set recurs."""

from __future__ import annotations

from flask import Flask
from prometheus_client import REGISTRY

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
