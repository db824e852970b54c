"""Patient-MS's Flask application."""

from __future__ import annotations

from flask import Flask

from hospital_shared.web import create_service_app
from patient_service.adapters.http.routes import blp
from patient_service.bootstrap import bootstrap
from patient_service.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    services = bootstrap(settings)
    return create_service_app(
        settings,
        container=services,
        title="Patient-MS",
        description="Patients' own profiles, and the admin's patient list.",
        blueprints=[blp],
        readiness_checks=services.readiness_checks(),
    )
