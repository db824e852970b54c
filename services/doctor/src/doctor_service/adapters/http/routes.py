"""HTTP routes of Doctor-MS: parse, call a use case, serialise."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema

from doctor_service.adapters.http.schemas import (
    DoctorCreateSchema,
    DoctorProfilePatchSchema,
    DoctorProfileSchema,
    DoctorSchema,
    DoctorSearchQuerySchema,
    ScheduleSchema,
    SpecializationQuerySchema,
    SpecializationSchema,
    TimeOffListSchema,
    TimeOffSchema,
)
from doctor_service.domain.doctor import Doctor, DoctorListing, Specialization
from doctor_service.ports import DirectoryQuery
from doctor_service.service_layer import catalog, directory, profiles, schedules, time_off
from hospital_shared.access import current_identity, integration_scope, require_identity
from hospital_shared.identity import Identity
from hospital_shared.openapi import ETAG, LOCATION
from hospital_shared.paging import Page
from hospital_shared.preconditions import strong_etag
from hospital_shared.schedule import TimeOff
from hospital_shared.schemas import page_of, problem_responses
from hospital_shared.web import container

blp = Blueprint(
    "doctors",
    __name__,
    url_prefix="/api/v1/doctors",
    description="The specialization catalog, the public doctor directory, weekly schedules and time off.",
)

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The ETag from the last GET of the schedule, such as "3" (strong tags only; 3 means "3").',
}
PROFILE_IF_MATCH = {
    **IF_MATCH,
    "description": 'The ETag from the last GET of the profile, such as "5" (strong tags only; 5 means "5").',
}
OPTIONAL_PROFILE_IF_MATCH = {**PROFILE_IF_MATCH, "required": False}


def _actor() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _doctor_view(doctor: Doctor | DoctorListing, by_slug: Mapping[str, Specialization]) -> dict[str, Any]:
    return {
        "id": doctor.id,
        "user_id": doctor.user_id,
        "full_name": doctor.full_name,
        "specializations": [
            {"slug": slug, "name": by_slug[slug].name if slug in by_slug else slug}
            for slug in doctor.specializations
        ],
        "bio": doctor.bio,
        "languages": list(doctor.languages),
        "clinic": doctor.clinic,
        "location": doctor.location,
        "time_zone": doctor.time_zone,
        "photo_url": doctor.photo_url,
        "accepting_new_patients": doctor.accepting_new_patients,
        "version": doctor.version,
        "active": doctor.active,
        "account_disabled": doctor.account_disabled,
        "account_role": doctor.account_role,
        "updated_at": doctor.updated_at,
    }


def _profile_view(doctor: Doctor, uow: Any) -> tuple[dict[str, Any], int, dict[str, str]]:
    body = _doctor_view(doctor, catalog.get_catalog(uow))
    return body, 200, {"ETag": doctor.profile_etag, "Cache-Control": "no-cache"}


def _schedule_view(doctor: Doctor) -> tuple[dict[str, Any], int, dict[str, str]]:
    body = {"doctor_id": doctor.id, "version": doctor.schedule_version, **doctor.schedule.to_document()}
    return body, 200, {"ETag": doctor.schedule_etag, "Cache-Control": "no-cache"}


def _time_off_view(entry: TimeOff) -> dict[str, Any]:
    document = entry.to_document()
    return {**document, "id": entry.id, "start_date": entry.start_date, "end_date": entry.end_date}


_problems = problem_responses(
    blp,
    {
        404: "No such doctor (or no doctor profile of yours).",
        409: "Conflicts with an existing doctor.",
        412: "If-Match does not match the current version (or is a weak tag).",
    },
)


# -- catalog and directory -------------------------------------------------------------------------------


def _kept_answer(key: str, schema: Schema, compute: Callable[[], Any]) -> Response:
    """A public read's JSON answer from the directory cache, or computed, dumped and kept for the next reader.

    The body is exactly what flask-smorest would have sent for `schema.dump(compute())`.
    """

    def dump() -> str:
        return current_app.json.dumps(schema.dump(compute())) + "\n"

    body = container().directory_cache.cached(key, dump)
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _query_key(name: str, query: Mapping[str, Any]) -> str:
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return f"{name}:{hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()}"


_SPECIALIZATION_PAGE = page_of(SpecializationSchema)()
_DOCTOR = DoctorSchema()
_DOCTOR_PAGE = page_of(DoctorSchema)()


@blp.route("/specializations")
class Specializations(MethodView):
    @integration_scope("directory:read")
    @blp.arguments(SpecializationQuerySchema(), location="query")
    @blp.response(200, page_of(SpecializationSchema))
    @_problems(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List the specialization catalog, by name."""
        return _kept_answer(
            _query_key("specializations", query),
            _SPECIALIZATION_PAGE,
            lambda: Page.of(catalog.list_specializations(container().uow()), **query),
        )


@blp.route("")
class Doctors(MethodView):
    @integration_scope("directory:read")
    @blp.arguments(DoctorSearchQuerySchema(), location="query")  # an instance: webargs reuses it per request
    @blp.response(200, page_of(DoctorSchema))
    @_problems(422)
    def get(self, query: dict[str, Any]) -> Any:
        """Search the doctor directory by specialization and name, or list what changed since a moment."""
        directory_query = DirectoryQuery(
            specialization=query.get("specialization"),
            text=query.get("q"),
            accepting_only=query.get("accepting_new_patients", False),
            include_unlisted=query["include_inactive"],
            updated_since=query.get("updated_since"),
            page=query["page"],
            page_size=query["page_size"],
        )

        def search(actor: Identity | None) -> Page[dict[str, Any]]:
            uow = container().uow()
            found = directory.search_doctors(uow, query=directory_query, actor=actor)
            by_slug = catalog.get_catalog(uow)
            return dataclasses.replace(found, items=[_doctor_view(d, by_slug) for d in found.items])

        if directory_query.include_unlisted:  # who asks matters: never from (or into) the shared cache
            return search(current_identity())
        return _kept_answer(_query_key("directory", query), _DOCTOR_PAGE, lambda: search(None))

    @require_identity("admin")
    @blp.arguments(DoctorCreateSchema)
    @blp.response(201, DoctorSchema, headers=LOCATION)
    @_problems(401, 403, 409, 422, 503)
    def post(self, body: dict[str, Any]) -> Any:
        """Add a doctor, linked to their Auth user id (admins)."""
        uow = container().uow()
        user_id = body.pop("user_id")
        doctor = profiles.create_doctor(
            uow, user_id=user_id, profile=body, accounts=container().accounts, clock=container().clock
        )
        return (
            _doctor_view(doctor, catalog.get_catalog(uow)),
            201,
            {"Location": f"{blp.url_prefix}/{doctor.id}"},
        )


def _change_profile(change: Callable[..., Doctor], doctor_id: uuid.UUID | None, **body: Any) -> Any:
    """Replace or update a profile (`change`, a use case) with the request's If-Match, and answer it."""
    uow = container().uow()
    doctor = change(
        uow,
        doctor_id=doctor_id,
        actor=_actor(),
        if_match=request.headers.get("If-Match"),
        clock=container().clock,
        **body,
    )
    return _profile_view(doctor, uow)


@blp.route("/me")
class MyProfile(MethodView):
    @require_identity("doctor")
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404)
    def get(self) -> Any:
        """Read your own doctor profile (its ETag comes in the ETag header)."""
        uow = container().uow()
        return _profile_view(directory.get_doctor(uow, doctor_id=None, actor=_actor()), uow)

    @require_identity("doctor")
    @blp.doc(parameters=[PROFILE_IF_MATCH])
    @blp.arguments(DoctorProfileSchema)
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422, 428)
    def put(self, document: dict[str, Any]) -> Any:
        """Replace your whole doctor profile (If-Match required; fields left out take their defaults)."""
        return _change_profile(profiles.replace_profile, None, document=document)

    @require_identity("doctor")
    @blp.doc(parameters=[OPTIONAL_PROFILE_IF_MATCH])
    @blp.arguments(DoctorProfilePatchSchema(partial=True))
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422)
    def patch(self, changes: dict[str, Any]) -> Any:
        """Change fields of your own doctor profile (If-Match optional, honoured when sent)."""
        return _change_profile(profiles.update_profile, None, changes=changes)


@blp.route("/<uuid:doctor_id>")
class DoctorById(MethodView):
    @integration_scope("directory:read")
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(404)
    def get(self, doctor_id: uuid.UUID) -> Any:
        """Read a doctor's profile (inactive doctors: admins and the doctor themself only)."""
        caller = current_identity()
        if caller is not None and caller.role in ("admin", "doctor"):  # may see unlisted doctors: no cache
            uow = container().uow()
            return _profile_view(directory.get_doctor(uow, doctor_id=doctor_id, actor=caller), uow)

        def profile() -> dict[str, Any]:
            uow = container().uow()
            doctor = directory.get_doctor(uow, doctor_id=doctor_id)
            return _doctor_view(doctor, catalog.get_catalog(uow))

        response = _kept_answer(f"doctor:{doctor_id}", _DOCTOR, profile)
        response.headers["ETag"] = strong_etag(json.loads(response.get_data())["version"])
        response.headers["Cache-Control"] = "no-cache"
        return response

    @require_identity("doctor", "admin")
    @blp.doc(parameters=[PROFILE_IF_MATCH])
    @blp.arguments(DoctorProfileSchema)
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422, 428)
    def put(self, document: dict[str, Any], doctor_id: uuid.UUID) -> Any:
        """Replace a doctor's whole profile (admins, or the doctor themself; If-Match required)."""
        return _change_profile(profiles.replace_profile, doctor_id, document=document)

    @require_identity("doctor", "admin")
    @blp.doc(parameters=[OPTIONAL_PROFILE_IF_MATCH])
    @blp.arguments(DoctorProfilePatchSchema(partial=True))
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422)
    def patch(self, changes: dict[str, Any], doctor_id: uuid.UUID) -> Any:
        """Change fields of a doctor's profile (admins, or the doctor themself; If-Match optional)."""
        return _change_profile(profiles.update_profile, doctor_id, changes=changes)


def _set_active(doctor_id: uuid.UUID, *, active: bool) -> Any:
    uow = container().uow()
    doctor = profiles.set_doctor_active(
        uow, doctor_id=doctor_id, actor=_actor(), active=active, clock=container().clock
    )
    return _profile_view(doctor, uow)


@blp.route("/<uuid:doctor_id>/deactivate")
class DeactivateDoctor(MethodView):
    @require_identity("admin")
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404)
    def post(self, doctor_id: uuid.UUID) -> Any:
        """Deactivate a doctor: hidden from the directory and the slot finder, agenda kept (admins)."""
        return _set_active(doctor_id, active=False)


@blp.route("/<uuid:doctor_id>/activate")
class ActivateDoctor(MethodView):
    @require_identity("admin")
    @blp.response(200, DoctorSchema, headers=ETAG)
    @_problems(401, 403, 404)
    def post(self, doctor_id: uuid.UUID) -> Any:
        """Activate a deactivated doctor again: listed unless their account is disabled (admins)."""
        return _set_active(doctor_id, active=True)


# -- schedules -------------------------------------------------------------------------------------------


def _replace_schedule(doctor_id: uuid.UUID | None, document: dict[str, Any]) -> Any:
    doctor = schedules.replace_schedule(
        container().uow(),
        doctor_id=doctor_id,
        actor=_actor(),
        document=document,
        if_match=request.headers.get("If-Match"),
        clock=container().clock,
    )
    return _schedule_view(doctor)


@blp.route("/me/schedule")
class MySchedule(MethodView):
    @require_identity("doctor")
    @blp.response(200, ScheduleSchema, headers=ETAG)
    @_problems(401, 403, 404)
    def get(self) -> Any:
        """Read your weekly schedule (its ETag comes in the ETag header)."""
        return _schedule_view(directory.get_doctor(container().uow(), doctor_id=None, actor=_actor()))

    @require_identity("doctor")
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(ScheduleSchema)
    @blp.response(200, ScheduleSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422, 428)
    def put(self, document: dict[str, Any]) -> Any:
        """Replace your whole weekly schedule (If-Match required)."""
        return _replace_schedule(None, document)


@blp.route("/<uuid:doctor_id>/schedule")
class DoctorSchedule(MethodView):
    @integration_scope("directory:read")
    @blp.response(200, ScheduleSchema, headers=ETAG)
    @_problems(404)
    def get(self, doctor_id: uuid.UUID) -> Any:
        """Read a doctor's weekly schedule."""
        return _schedule_view(directory.get_doctor(container().uow(), doctor_id=doctor_id))

    @require_identity("doctor", "admin")
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(ScheduleSchema)
    @blp.response(200, ScheduleSchema, headers=ETAG)
    @_problems(401, 403, 404, 412, 422, 428)
    def put(self, document: dict[str, Any], doctor_id: uuid.UUID) -> Any:
        """Replace a doctor's whole weekly schedule (admins, or the doctor themself; If-Match required)."""
        return _replace_schedule(doctor_id, document)


# -- time off --------------------------------------------------------------------------------------------


def _list_time_off(doctor_id: uuid.UUID | None) -> dict[str, Any]:
    entries = time_off.list_time_off(container().uow(), doctor_id=doctor_id, actor=_actor())
    return {"items": [_time_off_view(e) for e in entries]}


def _add_time_off(doctor_id: uuid.UUID | None, body: dict[str, Any]) -> Any:
    entry = time_off.add_time_off(
        container().uow(), doctor_id=doctor_id, actor=_actor(), document=body, clock=container().clock
    )
    return _time_off_view(entry), 201


@blp.route("/me/time-off")
class MyTimeOff(MethodView):
    @require_identity("doctor")
    @blp.response(200, TimeOffListSchema)
    @_problems(401, 403, 404)
    def get(self) -> Any:
        """List your time off and custom hours."""
        return _list_time_off(None)

    @require_identity("doctor")
    @blp.arguments(TimeOffSchema)
    @blp.response(201, TimeOffSchema)
    @_problems(401, 403, 404, 422)
    def post(self, body: dict[str, Any]) -> Any:
        """Add time off (whole days or hours) or custom hours for a date."""
        return _add_time_off(None, body)


@blp.route("/me/time-off/<uuid:entry_id>")
class MyTimeOffEntry(MethodView):
    @require_identity("doctor")
    @blp.response(204)
    @_problems(401, 403, 404)
    def delete(self, entry_id: uuid.UUID) -> None:
        """Delete one of your time-off entries."""
        time_off.remove_time_off(
            container().uow(), doctor_id=None, actor=_actor(), entry_id=entry_id, clock=container().clock
        )


@blp.route("/<uuid:doctor_id>/time-off")
class DoctorTimeOff(MethodView):
    @require_identity("doctor", "admin")
    @blp.response(200, TimeOffListSchema)
    @_problems(401, 403, 404)
    def get(self, doctor_id: uuid.UUID) -> Any:
        """List a doctor's time off (admins, or the doctor themself)."""
        return _list_time_off(doctor_id)

    @require_identity("doctor", "admin")
    @blp.arguments(TimeOffSchema)
    @blp.response(201, TimeOffSchema)
    @_problems(401, 403, 404, 422)
    def post(self, body: dict[str, Any], doctor_id: uuid.UUID) -> Any:
        """Add time off or custom hours for a doctor (admins, or the doctor themself)."""
        return _add_time_off(doctor_id, body)


@blp.route("/<uuid:doctor_id>/time-off/<uuid:entry_id>")
class DoctorTimeOffEntry(MethodView):
    @require_identity("doctor", "admin")
    @blp.response(204)
    @_problems(401, 403, 404)
    def delete(self, doctor_id: uuid.UUID, entry_id: uuid.UUID) -> None:
        """Delete a doctor's time-off entry (admins, or the doctor themself)."""
        time_off.remove_time_off(
            container().uow(), doctor_id=doctor_id, actor=_actor(), entry_id=entry_id, clock=container().clock
        )
