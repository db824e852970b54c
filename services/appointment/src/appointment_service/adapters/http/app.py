"""Appointment-MS's Flask application."""

from __future__ import annotations

from flask import Flask

from appointment_service.adapters.http.request_stats import record_requests
from appointment_service.adapters.http.routes import appointments, internal, slots
from appointment_service.adapters.http.system_routes import system
from appointment_service.adapters.http.webhook_routes import webhooks
from appointment_service.bootstrap import bootstrap
from appointment_service.config import Settings
from hospital_shared.metrics import add_scrape_gauge
from hospital_shared.web import create_service_app


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    services = bootstrap(settings)
    app = create_service_app(
        settings,
        container=services,
        title="Appointment-MS",
        description="Free slots, bookings, cancellations and rescheduling.",
        blueprints=[slots, appointments, system, webhooks, internal],
        readiness_checks=services.readiness_checks(),
    )
    record_requests(app, services.request_window)
    add_scrape_gauge(app, services.projection_lag_gauge())
    return app  # its background work (services.background_work) is started by gunicorn's workers
