"""What each service reads from its environment, for the deployment tests (compose and Kubernetes alike).

A service's settings are one dataclass (config.Settings, a hospital_shared.settings.ServiceSettings); each
field is read from the variable of its upper-cased name; gunicorn and the migrations read a few more.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from hospital_shared.settings import _DEV_DEFAULT, ServiceSettings
from tools.stack.config import SERVICES

SERVICE_NAMES = tuple(service.name for service in SERVICES)  # the one list: tools/stack/config.py
PORTS = {service.name: service.default_port for service in SERVICES}  # the native stack's ports, 5001..5004

# Read outside the settings class: gunicorn (hospital_shared.gunicorn_config) and Alembic's env.py.
GUNICORN_VARIABLES = ("BIND", "WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR")
MIGRATION_VARIABLES = ("DATABASE_URL",)


def settings_class(service: str) -> type[ServiceSettings]:
    return importlib.import_module(f"{service}_service.config").Settings


def settings_defaults(service: str) -> dict[str, Any]:
    """Every variable the service's settings read, with the default it falls back on (MISSING: none)."""
    return {field.name.upper(): field.default for field in dataclasses.fields(settings_class(service))}


def secret_variables(service: str) -> set[str]:
    """The settings declared with secret_field: required from the environment in production."""
    return {
        field.name.upper()
        for field in dataclasses.fields(settings_class(service))
        if field.metadata.get(_DEV_DEFAULT) is not None
    }
