"""Auth-MS's Flask application."""

from __future__ import annotations

from flask import Flask

from auth_service.adapters.http import (
    account_routes,
    admin_routes,
    api_key_routes,
    contact_routes,
    integration_routes,
    internal_routes,
    link_routes,
    mfa_routes,
    oauth_routes,
)
from auth_service.bootstrap import bootstrap
from auth_service.config import Settings
from auth_service.ports import Mailer
from hospital_shared.clock import Clock
from hospital_shared.metrics import add_scrape_gauge, outbox_backlog
from hospital_shared.web import create_service_app


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, mailer: Mailer | None = None
) -> Flask:
    settings = settings or Settings.from_env()
    services = bootstrap(settings, clock=clock, mailer=mailer)
    app = create_service_app(
        settings,
        container=services,
        title="Auth-MS",
        description="Accounts, sessions, the gateway's identity check, password reset and Google sign-in.",
        blueprints=[
            account_routes.blp,
            mfa_routes.blp,
            admin_routes.blp,
            api_key_routes.blp,
            integration_routes.blp,
            oauth_routes.blp,
            link_routes.blp,
            internal_routes.blp,
            contact_routes.blp,
        ],
        readiness_checks=services.readiness_checks(),
    )
    add_scrape_gauge(app, outbox_backlog("account_outbox", services.outbox_store().pending_count))
    return app  # its background work (services.background_work) is started by gunicorn's workers
