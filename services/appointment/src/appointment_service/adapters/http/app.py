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
    if settings.replica_heartbeat_enabled:
        # Every worker announces itself, so the system page finds each replica without a list to keep.
        services.replica_heartbeat().start_in_background()
    if settings.projection_consumer_enabled:
        services.projection_follower().start_in_background("doctor-projection")
    if settings.mail_relay_enabled:
        # Every process runs a mail relay thread; a Postgres advisory lock lets exactly one of them send.
        services.mail_relay_runner().start_in_background("appointment-mail-relay")
    if settings.webhook_dispatch_enabled:
        # Like the mail relay: a dispatcher thread in every process, one of them elected to send.
        services.webhook_runner().start_in_background("appointment-webhooks")
    return app
