"""HTTP routes of Appointment-MS: parse, call a use case, serialise."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from appointment_service.adapters.http.schemas import AppointmentSchema
from appointment_service.service_layer.queries import list_patient_appointments
from hospital_shared.identity import current_identity, require_identity
from hospital_shared.schemas import PageQuerySchema, page_of
from hospital_shared.web import container

blp = Blueprint("appointments", __name__, url_prefix="/api/v1/appointments", description="Appointments")


@blp.route("/")
class MyAppointments(MethodView):
    @require_identity("patient")
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(AppointmentSchema))
    def get(self, query: dict[str, Any]) -> Any:
        """List the signed-in patient's appointments."""
        identity = current_identity()
        assert identity is not None  # guaranteed by require_identity
        return list_patient_appointments(
            identity.user_id, uow=container().uow(), page=query["page"], page_size=query["page_size"]
        )
