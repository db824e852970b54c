"""HTTP routes of Patient-MS: parse, call a use case, serialise."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from hospital_shared.access import current_identity, require_identity
from hospital_shared.identity import Identity
from hospital_shared.schemas import page_of, problem_responses
from hospital_shared.web import container
from patient_service.adapters.http.schemas import (
    PatientProfileSchema,
    PatientSearchQuerySchema,
)
from patient_service.domain.patient import PatientProfile
from patient_service.service_layer import profiles

blp = Blueprint("patients", __name__, url_prefix="/api/v1/patients", description="Patient profiles")

_problems = problem_responses(
    blp,
    {
        404: "No such profile, or not yours to see.",
        503: "Whether a doctor treats the patient cannot be checked right now.",
    },
)


def _actor() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _view(profile: PatientProfile) -> dict[str, Any]:
    return asdict(profile)


def _read(patient_id: uuid.UUID, actor: Identity) -> PatientProfile:
    wired = container()
    return profiles.get_profile(
        wired.uow(), patient_id=patient_id, actor=actor, care=wired.care_relationships
    )


def _put(patient_id: uuid.UUID, document: dict[str, Any]) -> Any:
    wired = container()
    profile, created = profiles.put_profile(
        wired.uow(), patient_id=patient_id, actor=_actor(), document=document, clock=wired.clock
    )
    return _view(profile), 201 if created else 200


@blp.route("")
class Patients(MethodView):
    @require_identity("admin")
    @blp.arguments(PatientSearchQuerySchema, location="query")
    @blp.response(200, page_of(PatientProfileSchema))
    @_problems(401, 403, 422)
    def get(self, query: dict[str, Any]) -> Any:
        """List and search patients (admins)."""
        result = profiles.search_patients(
            container().uow(),
            actor=_actor(),
            text=query.get("q"),
            page=query["page"],
            page_size=query["page_size"],
        )
        return {**asdict(result), "items": [_view(p) for p in result.items]}


@blp.route("/me")
class MyProfile(MethodView):
    @require_identity("patient")
    @blp.response(200, PatientProfileSchema)
    @_problems(401, 403, 404)
    def get(self) -> Any:
        """Read your own patient profile."""
        actor = _actor()
        return _view(_read(actor.user_id, actor))

    @require_identity("patient")
    @blp.arguments(PatientProfileSchema)
    @blp.response(200, PatientProfileSchema)
    @blp.alt_response(201, schema=PatientProfileSchema, description="The profile was created.")
    @_problems(401, 403, 422)
    def put(self, document: dict[str, Any]) -> Any:
        """Create or replace your own patient profile."""
        return _put(_actor().user_id, document)

    @require_identity("patient")
    @blp.response(204)
    @_problems(401, 403, 404)
    def delete(self) -> None:
        """Delete your own patient profile."""
        actor = _actor()
        profiles.delete_profile(container().uow(), patient_id=actor.user_id, actor=actor)


@blp.route("/<uuid:patient_id>")
class PatientById(MethodView):
    @require_identity()
    @blp.response(200, PatientProfileSchema)
    @_problems(401, 404, 503)
    def get(self, patient_id: uuid.UUID) -> Any:
        """Read a patient's profile (the patient, an admin or a doctor treating them; 404 for anyone else)."""
        return _view(_read(patient_id, _actor()))

    @require_identity()
    @blp.arguments(PatientProfileSchema)
    @blp.response(200, PatientProfileSchema)
    @blp.alt_response(201, schema=PatientProfileSchema, description="The profile was created.")
    @_problems(401, 404, 422)
    def put(self, document: dict[str, Any], patient_id: uuid.UUID) -> Any:
        """Create or replace a patient's profile (the patient themself or an admin)."""
        return _put(patient_id, document)

    @require_identity()
    @blp.response(204)
    @_problems(401, 404)
    def delete(self, patient_id: uuid.UUID) -> None:
        """Delete a patient's profile (the patient themself or an admin), e.g. when the account goes."""
        profiles.delete_profile(container().uow(), patient_id=patient_id, actor=_actor())
