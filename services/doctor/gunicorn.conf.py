"""gunicorn for Doctor-MS: the shared defaults plus this service's app."""

from hospital_shared.gunicorn_config import *  # noqa: F403

wsgi_app = "doctor_service.adapters.http.app:create_app()"
