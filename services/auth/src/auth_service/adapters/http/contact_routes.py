"""GET /internal/users/<id>/contact: a user's mail address, role and state, for the other services only.

The gateway routes nothing outside /api/ to any service, and every route here needs X-Internal-Token, so
only a service of the platform reaches it. A request that carries a user's identity came from a person
through the gateway: it is answered as if the route did not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from auth_service.adapters.http.web_session import uow
from auth_service.service_layer.contacts import user_contact
from hospital_shared.access import current_identity
from hospital_shared.errors import NotFound
from hospital_shared.schemas import problem_responses

blp = Blueprint(
    "internal_contacts", __name__, url_prefix="/internal/users", description="For the other services only"
)

_problems = problem_responses(blp, {404: "No account with this id."})


class ContactSchema(Schema):
    email = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    email_verified = fields.Boolean(dump_only=True)
    role = fields.Function(lambda user: user.role.value, dump_only=True)
    registered_by_key = fields.UUID(
        dump_only=True, allow_none=True, metadata={"description": "the API key that registered the patient"}
    )
    disabled = fields.Boolean(dump_only=True, metadata={"description": "true: do not mail this account"})


@blp.route("/<uuid:user_id>/contact")
class UserContact(MethodView):
    @blp.response(200, ContactSchema)
    @_problems(401, 404)
    def get(self, user_id: uuid.UUID) -> Any:
        """How to mail a user, and who registered them; never reachable through the gateway."""
        if current_identity() is not None:
            raise NotFound("There is no account with this id.")
        return user_contact(uow(), user_id=user_id)
