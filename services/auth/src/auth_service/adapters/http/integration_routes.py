"""Routes for integrations (API keys) under /api/v1/auth/integrations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from auth_service.adapters.http.integration_schemas import IntegrationPatientSchema, RegisteredPatientSchema
from auth_service.adapters.http.web_session import ports, uow
from auth_service.service_layer.integrations import register_patient_for_integration
from hospital_shared.access import current_identity, require_integration
from hospital_shared.schemas import problem_responses

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/api/v1/auth/integrations",
    description="For integrations calling with an API key",
)

_problems = problem_responses(
    blp, {409: "An account with this email already exists.", 422: "Bad email or name; `errors` names it."}
)


@blp.route("/patients")
class IntegrationPatients(MethodView):
    @require_integration("patients:write")
    @blp.arguments(IntegrationPatientSchema)
    @blp.response(201, RegisteredPatientSchema)
    @_problems(401, 403, 409, 422)
    def post(self, body: dict[str, Any]) -> Any:
        """Register a patient for the calling integration (API key with patients:write; no password yet)."""
        identity = current_identity()
        assert identity is not None  # guaranteed by require_identity
        return register_patient_for_integration(
            uow(),
            email=body["email"],
            full_name=body["full_name"],
            key_id=identity.user_id,
            clock=ports().clock,
        )
