"""HTTP routes of Appointment-MS: parse, call a use case, serialise."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from appointment_service.adapters.http.booking_metrics import counted_booking
from appointment_service.adapters.http.schemas import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancelSchema,
    ClaimTokenSchema,
    ConfirmHoldSchema,
    GuestHoldRequestSchema,
    GuestHoldSchema,
    NextSlotQuerySchema,
    RelationshipQuerySchema,
    RescheduleSchema,
    SlotListSchema,
    SlotQuerySchema,
    SlotSchema,
)
from appointment_service.service_layer import agenda, booking, integrations, slot_search
from hospital_shared.access import current_identity, integration_scope, require_identity
from hospital_shared.errors import NotFound, ValidationFailed
from hospital_shared.identity import Identity
from hospital_shared.network import client_network
from hospital_shared.openapi import IDEMPOTENT_REPLAYED, LOCATION
from hospital_shared.schemas import page_of, problem_responses
from hospital_shared.web import client_address, container

slots = Blueprint("slots", __name__, url_prefix="/api/v1/slots", description="Free slots (public)")
appointments = Blueprint(
    "appointments", __name__, url_prefix="/api/v1/appointments", description="Bookings, holds and agendas"
)
internal = Blueprint("internal", __name__, url_prefix="/internal", description="For other services only")

_slot_problems = problem_responses(slots)
_problems = problem_responses(
    appointments,
    {
        403: "Not allowed: the account's role, the API key's scopes, or (API keys) a patient the key did "
        "not register.",
        404: "No such appointment, or not yours to see (an API key: not one of its patients').",
        409: "The slot was just taken, or the state forbids it.",
        503: "API keys: Auth-MS cannot confirm the patient's account right now; nothing was changed. "
        "`Retry-After` says when to try again.",
    },
)
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "Any unique string (a UUID): a retry with the same key and body gets the first answer.",
}


def _actor() -> Identity:
    identity = current_identity()
    assert identity is not None  # guaranteed by require_identity
    return identity


def _json(body: bytes) -> Response:
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _search(query: dict[str, Any], *, limit: int) -> slot_search.SlotSearch:
    return slot_search.SlotSearch(
        limit=limit,
        specialization=query.get("specialization"),
        doctor_id=query.get("doctor_id"),
        start=query.get("from_"),
        end=query.get("to"),
        duration_minutes=query.get("duration_minutes"),
        appointment_type=query.get("appointment_type"),
        time_of_day=query.get("time_of_day"),
        language=query.get("language"),
    )


def _finder_kwargs() -> dict[str, Any]:
    services = container()
    return {
        "viewer": current_identity(),
        "cache": services.slot_cache,
        "clock": services.clock,
        "cache_seconds": services.settings.slot_cache_seconds,
    }


@slots.route("")
class Slots(MethodView):
    @integration_scope("slots:read")
    @slots.arguments(SlotQuerySchema(), location="query")
    @slots.response(200, SlotListSchema)
    @_slot_problems(422)
    def get(self, query: dict[str, Any]) -> Response:
        """Find the best free slots of a specialization or of one doctor, best first."""
        search = _search(query, limit=query["limit"])
        return _json(slot_search.find_slots(container().uow(), search=search, **_finder_kwargs()))


@slots.route("/next")
class NextSlot(MethodView):
    @integration_scope("slots:read")
    @slots.arguments(NextSlotQuerySchema(), location="query")
    @slots.response(200, SlotSchema)
    @_slot_problems(404, 422)
    def get(self, query: dict[str, Any]) -> Response:
        """The single best free slot ("next cardiology slot, please"); 404 when none is left."""
        search = _search(query, limit=1)
        return _json(slot_search.next_slot(container().uow(), search=search, **_finder_kwargs()))


def _guest_key() -> str:
    """The client, for the cap on guest holds: a keyed hash of its network, never the address itself."""
    secret = container().settings.internal_token.encode()
    return hmac.new(secret, client_network(client_address()).encode(), hashlib.sha256).hexdigest()


@slots.route("/holds")
class GuestHolds(MethodView):
    @integration_scope("slots:read")
    @slots.arguments(GuestHoldRequestSchema())
    @slots.response(201, GuestHoldSchema)
    @_slot_problems(409, 422, 429)
    @counted_booking("guest_hold")
    def post(self, body: dict[str, Any]) -> Any:
        """Keep a free slot for a few minutes before signing in; confirm it with the claim token after."""
        services = container()
        held = booking.hold_for_guest(
            services.uow(),
            cmd=booking.GuestHold(
                doctor_id=body["doctor_id"], start=body["start"], guest_key=_guest_key(),
                duration_minutes=body.get("duration_minutes"), appointment_type=body.get("appointment_type"),
            ),
            cache=services.slot_cache, clock=services.clock,
            hold_minutes=services.settings.hold_minutes,
            max_live_holds=services.settings.guest_holds_per_client,
        )  # fmt: skip
        return held, 201, {"Cache-Control": "no-store"}


@slots.route("/holds/<uuid:hold_id>/release")
class ReleaseGuestHold(MethodView):
    @integration_scope("slots:read")
    @slots.arguments(ClaimTokenSchema())
    @slots.response(204)
    @_slot_problems(404, 422)
    def post(self, body: dict[str, Any], hold_id: uuid.UUID) -> None:
        """Give a slot kept before signing in back (with its claim token)."""
        services = container()
        booking.release_hold(
            services.uow(), hold_id=hold_id, patient_id=None, claim_token=body["claim_token"],
            cache=services.slot_cache, clock=services.clock,
        )  # fmt: skip


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed(
            "The Idempotency-Key header is not valid.",
            errors={"Idempotency-Key": ["Must be 1-200 letters, digits or . _ : - (a UUID is ideal)."]},
        )
    return key


def _book(body: dict[str, Any], kind: str) -> Any:
    services = container()
    patient_id, booked_by = integrations.booking_parties(_actor(), body.get("patient_id"))
    result = booking.book_appointment(
        services.uow(),
        cmd=booking.BookAppointment(
            patient_id=patient_id,
            booked_by=booked_by,
            doctor_id=body["doctor_id"],
            start=body["start"],
            duration_minutes=body.get("duration_minutes"),
            appointment_type=body.get("appointment_type"),
            reason=body.get("reason", ""),
            idempotency_key=_idempotency_key(),
            kind=kind,
        ),
        cache=services.slot_cache,
        clock=services.clock,
        hold_minutes=services.settings.hold_minutes,
        accounts=services.patient_accounts,
    )
    headers = {"Location": f"/api/v1/appointments/{result.appointment.id}"}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return result.appointment, 201, headers


@appointments.route("")
class Appointments(MethodView):
    @require_identity(scope="appointments:read")
    @appointments.arguments(AppointmentQuerySchema(), location="query")
    @appointments.response(200, page_of(AppointmentSchema))
    @_problems(401, 403, 422, 503)
    def get(self, query: dict[str, Any]) -> Any:
        """List appointments: your own, your agenda, (admins) anyone's, (API keys) one of your patients'."""
        services = container()
        return agenda.list_appointments(
            services.uow(),
            query=agenda.AppointmentQuery(
                scope=query["scope"], start=query.get("from_"), end=query.get("to"),
                doctor_id=query.get("doctor_id"), patient_id=query.get("patient_id"),
                status=query.get("status"), updated_since=query.get("updated_since"),
                page=query["page"], page_size=query["page_size"],
            ),
            actor=_actor(), clock=services.clock, accounts=services.recent_patient_accounts,
        )  # fmt: skip

    @require_identity("patient", scope="appointments:write")
    @appointments.arguments(BookingSchema())
    @appointments.response(201, AppointmentSchema, headers=LOCATION | IDEMPOTENT_REPLAYED)
    @appointments.doc(parameters=[IDEMPOTENCY_HEADER])
    @_problems(401, 403, 409, 422, 503)
    @counted_booking("booking")
    def post(self, body: dict[str, Any]) -> Any:
        """Book a free slot (send an Idempotency-Key so a retry cannot book twice)."""
        return _book(body, booking.BOOKING)


@appointments.route("/holds")
class Holds(MethodView):
    @require_identity("patient")
    @appointments.arguments(BookingSchema())
    @appointments.response(201, AppointmentSchema, headers=LOCATION | IDEMPOTENT_REPLAYED)
    @appointments.doc(parameters=[IDEMPOTENCY_HEADER])
    @_problems(401, 403, 409, 422)
    @counted_booking("hold")
    def post(self, body: dict[str, Any]) -> Any:
        """Keep a free slot for a few minutes (status held) while you confirm."""
        return _book(body, booking.HOLD)


@appointments.route("/holds/<uuid:hold_id>/confirm")
class ConfirmHold(MethodView):
    @require_identity("patient")
    @appointments.arguments(ConfirmHoldSchema())
    @appointments.response(200, AppointmentSchema)
    @_problems(401, 403, 404, 409, 422)
    @counted_booking("confirm")
    def post(self, body: dict[str, Any], hold_id: uuid.UUID) -> Any:
        """Turn your hold into a booking (409 when it has expired)."""
        services = container()
        return booking.confirm_hold(
            services.uow(), hold_id=hold_id, patient_id=_actor().user_id, reason=body.get("reason"),
            claim_token=body.get("claim_token"), cache=services.slot_cache, clock=services.clock,
        )  # fmt: skip


@appointments.route("/holds/<uuid:hold_id>")
class Hold(MethodView):
    @require_identity("patient")
    @appointments.response(204)
    @_problems(401, 403, 404)
    def delete(self, hold_id: uuid.UUID) -> None:
        """Give a held slot back."""
        services = container()
        booking.release_hold(
            services.uow(),
            hold_id=hold_id,
            patient_id=_actor().user_id,
            cache=services.slot_cache,
            clock=services.clock,
        )


@appointments.route("/<uuid:appointment_id>")
class OneAppointment(MethodView):
    @require_identity(scope="appointments:read")
    @appointments.response(200, AppointmentSchema)
    @_problems(401, 404, 503)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """One appointment: for its patient, its doctor, an admin or the API key that registered them."""
        services = container()
        return agenda.get_appointment(
            services.uow(), appointment_id=appointment_id, actor=_actor(),
            accounts=services.recent_patient_accounts,
        )  # fmt: skip


@appointments.route("/<uuid:appointment_id>/cancel")
class CancelAppointment(MethodView):
    @require_identity(scope="appointments:write")
    @appointments.arguments(CancelSchema())
    @appointments.response(200, AppointmentSchema)
    @_problems(401, 404, 409, 422, 503)
    def post(self, body: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Cancel an upcoming appointment (its patient, its doctor or an admin); the slot is free again."""
        services = container()
        return booking.cancel_appointment(
            services.uow(), appointment_id=appointment_id, actor=_actor(), reason=body["reason"],
            cache=services.slot_cache, clock=services.clock,
            accounts=services.patient_accounts,
        )  # fmt: skip


@appointments.route("/<uuid:appointment_id>/reschedule")
class RescheduleAppointment(MethodView):
    @require_identity(scope="appointments:write")
    @appointments.arguments(RescheduleSchema())
    @appointments.response(200, AppointmentSchema)
    @_problems(401, 404, 409, 422, 503)
    def post(self, body: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Move an appointment to another free start with the same doctor, atomically; returns the new one."""
        services = container()
        return booking.reschedule_appointment(
            services.uow(),
            cmd=booking.RescheduleAppointment(
                appointment_id=appointment_id, actor=_actor(), start=body["start"],
                duration_minutes=body.get("duration_minutes"), appointment_type=body.get("appointment_type"),
            ),
            cache=services.slot_cache, clock=services.clock,
            accounts=services.patient_accounts,
        )  # fmt: skip


@internal.route("/relationships")
class Relationship(MethodView):
    @internal.arguments(RelationshipQuerySchema(), location="query")
    @internal.response(204)
    def get(self, query: dict[str, Any]) -> None:
        """204 when the doctor (by account id) has or had an appointment with the patient, else 404."""
        if not agenda.doctor_treats_patient(
            container().uow(), doctor_user_id=query["doctor_user_id"], patient_id=query["patient_id"]
        ):
            raise NotFound("No appointment between this doctor and this patient.")
