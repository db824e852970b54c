"""gunicorn for Patient-MS: the shared defaults plus this service's app."""

from hospital_shared.gunicorn_config import *  # noqa: F403

wsgi_app = "patient_service.adapters.http.app:create_app()"
