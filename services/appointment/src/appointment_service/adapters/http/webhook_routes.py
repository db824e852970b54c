"""The webhook admin API (admins only): endpoints, their secrets, and their deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from appointment_service.adapters.http.webhook_schemas import (
    DeliveryQuerySchema,
    DeliverySchema,
    EndpointChangeSchema,
    EndpointRequestSchema,
    EndpointSchema,
    EndpointWithSecretSchema,
)
from appointment_service.service_layer import webhooks as use_cases
from hospital_shared.access import current_identity, require_identity
from hospital_shared.openapi import LOCATION
from hospital_shared.schemas import page_of, problem_responses
from hospital_shared.web import container

_DESCRIPTION = """Signed webhooks for integrators (admins register the endpoints).

Events: `appointment.booked` (also a confirmed hold), `appointment.cancelled`, `appointment.rescheduled`,
`doctor.schedule_changed`. Each is POSTed as JSON `{"id", "type", "created_at", "data"}` to every active
endpoint that wants its type, with headers `Hospital-Event-Id`, `Hospital-Event-Type`, `Hospital-Delivery-Id`
and `Hospital-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Any 2xx within 10 s
counts as delivered; anything else is tried again with exponential backoff (and jitter) for 24 h after the
event, then the delivery is marked failed. Delivery is at least once: deduplicate by `Hospital-Event-Id`.
Order is not guaranteed.

Verify every request before trusting it (Python):

```python
import hashlib, hmac, time

def verify(secret: str, header: str, raw_body: bytes, tolerance_s: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    timestamp = int(parts.get("t", "0"))
    if abs(time.time() - timestamp) > tolerance_s:  # older than 5 min: a replay
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
```
"""

webhooks = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description=_DESCRIPTION)
_problems = problem_responses(webhooks, {404: "No such webhook endpoint or delivery."})


def _admin_id() -> uuid.UUID:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity.user_id


@webhooks.route("", strict_slashes=False)
class Endpoints(MethodView):
    @require_identity("admin")
    @webhooks.arguments(EndpointRequestSchema())
    @webhooks.response(201, EndpointWithSecretSchema, headers=LOCATION)
    @_problems(401, 403, 422)
    def post(self, body: dict[str, Any]) -> Any:
        """Register an HTTPS endpoint for some event types; the answer shows its signing secret once."""
        services = container()
        created = use_cases.register_endpoint(
            services.webhook_uow(),
            cmd=use_cases.RegisterEndpoint(url=body["url"], event_types=body["event_types"],
                                           description=body["description"]),
            admin_id=_admin_id(), targets=services.webhook_targets,
        )  # fmt: skip
        return created, 201, {"Location": f"/api/v1/webhooks/{created.id}", "Cache-Control": "no-store"}

    @require_identity("admin")
    @webhooks.arguments(DeliveryQuerySchema(only=("page", "page_size")), location="query")
    @webhooks.response(200, page_of(EndpointSchema))
    @_problems(401, 403, 422)
    def get(self, query: dict[str, Any]) -> Any:
        """Every registered endpoint, oldest first (without secrets)."""
        return use_cases.list_endpoints(
            container().webhook_uow(), page=query["page"], page_size=query["page_size"]
        )


@webhooks.route("/<uuid:endpoint_id>")
class Endpoint(MethodView):
    @require_identity("admin")
    @webhooks.response(200, EndpointSchema)
    @_problems(401, 403, 404)
    def get(self, endpoint_id: uuid.UUID) -> Any:
        """One endpoint (without its secret)."""
        return use_cases.get_endpoint(container().webhook_uow(), subscription_id=endpoint_id)

    @require_identity("admin")
    @webhooks.arguments(EndpointChangeSchema())
    @webhooks.response(200, EndpointSchema)
    @_problems(401, 403, 404, 422)
    def patch(self, body: dict[str, Any], endpoint_id: uuid.UUID) -> Any:
        """Change an endpoint's event types or description, or switch it off (active: false) and on."""
        change = use_cases.EndpointChange(
            event_types=body.get("event_types"),
            description=body.get("description"),
            active=body.get("active"),
        )
        return use_cases.change_endpoint(
            container().webhook_uow(), subscription_id=endpoint_id, change=change
        )

    @require_identity("admin")
    @webhooks.response(204)
    @_problems(401, 403, 404)
    def delete(self, endpoint_id: uuid.UUID) -> None:
        """Remove an endpoint and its delivery history; nothing more is sent to it."""
        use_cases.remove_endpoint(container().webhook_uow(), subscription_id=endpoint_id)


@webhooks.route("/<uuid:endpoint_id>/rotate-secret")
class RotateSecret(MethodView):
    @require_identity("admin")
    @webhooks.response(200, EndpointWithSecretSchema)
    @_problems(401, 403, 404)
    def post(self, endpoint_id: uuid.UUID) -> Any:
        """Replace the endpoint's signing secret at once; the answer shows the new one."""
        rotated = use_cases.rotate_secret(container().webhook_uow(), subscription_id=endpoint_id)
        return rotated, 200, {"Cache-Control": "no-store"}


@webhooks.route("/<uuid:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @require_identity("admin")
    @webhooks.arguments(DeliveryQuerySchema(), location="query")
    @webhooks.response(200, page_of(DeliverySchema))
    @_problems(401, 403, 404, 422)
    def get(self, query: dict[str, Any], endpoint_id: uuid.UUID) -> Any:
        """The endpoint's deliveries, newest first, with each one's latest outcome (filter by status)."""
        return use_cases.list_deliveries(
            container().webhook_uow(), subscription_id=endpoint_id, status=query.get("status"),
            page=query["page"], page_size=query["page_size"],
        )  # fmt: skip


@webhooks.route("/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/retry")
class RetryDelivery(MethodView):
    @require_identity("admin")
    @webhooks.response(200, DeliverySchema)
    @_problems(401, 403, 404)
    def post(self, endpoint_id: uuid.UUID, delivery_id: uuid.UUID) -> Any:
        """Try a delivery again now (also one that failed for good), with a fresh 24 h window."""
        services = container()
        return use_cases.retry_delivery(
            services.webhook_uow(), subscription_id=endpoint_id, delivery_id=delivery_id,
            clock=services.clock, retry_window=services.webhook_retry_window,
        )  # fmt: skip
