"""Doctor-MS's Flask application."""

from __future__ import annotations

from flask import Flask

from doctor_service.adapters.http.routes import blp
from doctor_service.bootstrap import bootstrap
from doctor_service.config import Settings
from hospital_shared.metrics import add_scrape_gauge, outbox_backlog
from hospital_shared.web import create_service_app


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    services = bootstrap(settings)
    app = create_service_app(
        settings,
        container=services,
        title="Doctor-MS",
        description="Specializations, the doctor directory, weekly schedules and time off.",
        blueprints=[blp],
        readiness_checks=services.readiness_checks(),
    )
    add_scrape_gauge(app, outbox_backlog("doctor_outbox", services.outbox_store().pending_count))
    return app  # its background work (services.background_work) is started by gunicorn's workers
