"""The admin's system page: every service's readiness, the Appointment-MS replicas, today's bookings."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from appointment_service.adapters.http.schemas import SystemStatusSchema
from appointment_service.service_layer.system import system_status
from hospital_shared.access import require_identity
from hospital_shared.schemas import problem_responses
from hospital_shared.web import container

system = Blueprint(
    "system", __name__, url_prefix="/api/v1/system", description="How the platform is doing (admins only)"
)
_problems = problem_responses(system)


@system.route("")
class SystemStatus(MethodView):
    @require_identity("admin")
    @system.response(200, SystemStatusSchema)
    @_problems(401, 403)
    def get(self) -> Any:
        """The platform at a glance: each service's readiness, the replicas' load, today's bookings (UTC).

        Always 200 while this replica runs: a service that is down is reported as not ready, and what
        could not be read (Redis, PostgreSQL) is null with a `detail` saying why."""
        services = container()
        report = system_status(
            services.uow(), probes=services.service_probes, registry=services.replica_registry(),
            clock=services.clock, answered_by=services.instance_name,
        )  # fmt: skip
        return report, 200, {"Cache-Control": "no-store"}
