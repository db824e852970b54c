"""Appointment-MS's Flask application."""

from __future__ import annotations

from flask import Flask

from appointment_service.adapters.http.routes import blp
from appointment_service.bootstrap import bootstrap
from appointment_service.config import Settings
from hospital_shared.web import create_service_app


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    services = bootstrap(settings)
    return create_service_app(
        settings,
        container=services,
        title="Appointment-MS",
        description="Free slots, bookings, cancellations and rescheduling.",
        blueprints=[blp],
        readiness_checks=services.readiness_checks(),
    )
