"""Booking, holding, confirming, cancelling and rescheduling appointments.

The database decides every race: an appointment is inserted with ON CONFLICT DO NOTHING against the
exclusion constraints (one doctor, one patient), so a lost race is a clean 409 at once, never a deadlock or
a wait. Caches are invalidated after the commit and before the answer is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.slots import Candidate, is_bookable
from appointment_service.domain.webhooks import (
    APPOINTMENT_BOOKED,
    APPOINTMENT_CANCELLED,
    APPOINTMENT_RESCHEDULED,
    appointment_data,
)
from appointment_service.ports import AppointmentUnitOfWork, PatientAccounts, SlotCache
from appointment_service.service_layer.integrations import acting_for, check_acts_for
from hospital_shared.clock import Clock
from hospital_shared.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from hospital_shared.identity import Identity

HOLD = "hold"
BOOKING = "booking"


@dataclass(frozen=True)
class BookAppointment:
    """A patient asks for a start with a doctor (`kind` booking, or hold to keep it for a few minutes).

    `booked_by`: the API key's id when an integration books for the patient (its own Idempotency-Keys)."""

    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    duration_minutes: int | None = None
    appointment_type: str | None = None
    reason: str = ""
    idempotency_key: str | None = None
    kind: str = BOOKING
    booked_by: uuid.UUID | None = None

    @property
    def caller_id(self) -> uuid.UUID:
        """Whose Idempotency-Keys these are: the integration's, or the patient's own."""
        return self.booked_by or self.patient_id

    @property
    def request_hash(self) -> str:
        document = {
            "kind": self.kind, "doctor_id": str(self.doctor_id), "start": self.start.isoformat(),
            "duration_minutes": self.duration_minutes, "appointment_type": self.appointment_type,
            "reason": self.reason,
        }  # fmt: skip
        if self.booked_by is not None:  # one key, one request: the same key for another patient is refused
            document["patient_id"] = str(self.patient_id)
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    replayed: bool = False


@dataclass(frozen=True)
class RescheduleAppointment:
    appointment_id: uuid.UUID
    actor: Identity
    start: datetime
    duration_minutes: int | None = None
    appointment_type: str | None = None


@dataclass(frozen=True)
class GuestHold:
    """Someone not signed in yet keeps a start while they sign in or register.

    `guest_key` names the client (a keyed hash of its address or network) so live guest holds per client
    can be capped: a hold blocks a doctor's time, and nobody has vouched for a guest.
    """

    doctor_id: uuid.UUID
    start: datetime
    guest_key: str
    duration_minutes: int | None = None
    appointment_type: str | None = None


@dataclass(frozen=True)
class GuestHeld:
    appointment: Appointment
    claim_token: str  # shown once; only its digest is kept


class SlotTaken(Conflict):
    slug = "slot-taken"
    title = "Slot no longer free"


def book_appointment(
    uow: AppointmentUnitOfWork, *, cmd: BookAppointment, cache: SlotCache, clock: Clock, hold_minutes: int,
    accounts: PatientAccounts | None = None,
) -> Booked:  # fmt: skip
    """Book (or hold) a free slot for the patient; a retry with the same Idempotency-Key is answered alike.

    An integration (`booked_by`) books only for a patient its key registered, as Auth-MS (`accounts`) says."""
    if cmd.booked_by is not None:
        if accounts is None:
            raise ValueError("an integration's booking needs Auth-MS's accounts to check the patient")
        check_acts_for(key_id=cmd.booked_by, patient_id=cmd.patient_id, accounts=accounts)
    now = clock.now()
    appointment_id = uuid.uuid4()
    with uow:
        if cmd.idempotency_key:
            # Claimed with the answer a success will give: it commits only together with the appointment
            # (or is turned into the 409 below), so nobody ever reads an answer that did not happen.
            stored = uow.idempotency.claim(
                user_id=cmd.caller_id, key=cmd.idempotency_key, request_hash=cmd.request_hash,
                status_code=201, response={"appointment_id": str(appointment_id)},
            )  # fmt: skip
            if stored is not None:
                return _replay(
                    stored.request_hash == cmd.request_hash, stored.status_code, stored.response, uow
                )
        doctor = _bookable_doctor(uow, cmd.doctor_id, patient_id=cmd.patient_id)
        candidate = _candidate(doctor, cmd.appointment_type, cmd.duration_minutes)
        appointment = _new_appointment(
            cmd.patient_id, candidate, cmd.start, now=now, reason=cmd.reason, appointment_id=appointment_id
        )
        if cmd.kind == HOLD:
            appointment.status = AppointmentStatus.HELD
            appointment.hold_expires_at = now + timedelta(minutes=hold_minutes)
        try:
            _insert(uow, appointment, now=now)
        except SlotTaken as taken:
            if cmd.idempotency_key:
                uow.idempotency.answer(
                    user_id=cmd.caller_id,
                    key=cmd.idempotency_key,
                    status_code=409,
                    response=taken.to_problem(),
                )
                uow.commit()
            raise
        if cmd.kind == BOOKING:
            _mail(uow, "confirmed", appointment, doctor)
            uow.events.add(APPOINTMENT_BOOKED, appointment_data(appointment))
        uow.commit()
    _invalidate(cache, doctor)
    return Booked(appointment)


def hold_for_guest(
    uow: AppointmentUnitOfWork, *, cmd: GuestHold, cache: SlotCache, clock: Clock, hold_minutes: int,
    max_live_holds: int,
) -> GuestHeld:  # fmt: skip
    """Keep a free slot for someone not signed in; whoever shows the claim token may confirm it."""
    now = clock.now()
    claim_token = secrets.token_urlsafe(32)
    guest = uuid.uuid4()  # a patient id nobody has: the patient rule never meets it
    with uow:
        if uow.appointments.live_guest_holds(cmd.guest_key, now=now) >= max_live_holds:
            raise TooManyRequests(
                f"You are already keeping {max_live_holds} slots. Sign in to book, or let one of them go."
            )
        doctor = _bookable_doctor(uow, cmd.doctor_id, patient_id=guest)
        candidate = _candidate(doctor, cmd.appointment_type, cmd.duration_minutes)
        hold = _new_appointment(guest, candidate, cmd.start, now=now, reason="")
        hold.status = AppointmentStatus.HELD
        hold.hold_expires_at = now + timedelta(minutes=hold_minutes)
        hold.claim_token_hash, hold.guest_key = _digest(claim_token), cmd.guest_key
        _insert(uow, hold, now=now)
        uow.commit()
    _invalidate(cache, doctor)
    return GuestHeld(hold, claim_token)


def confirm_hold(
    uow: AppointmentUnitOfWork, *, hold_id: uuid.UUID, patient_id: uuid.UUID, reason: str | None,
    claim_token: str | None = None, cache: SlotCache, clock: Clock,
) -> Appointment:  # fmt: skip
    """Turn the patient's live hold into a booking (a guest hold: the patient shows its claim token)."""
    now = clock.now()
    with uow:
        hold = uow.appointments.get(hold_id, for_update=True)
        holding = (AppointmentStatus.HELD, AppointmentStatus.EXPIRED)
        if hold is None or hold.status not in holding or not _holder(hold, patient_id, claim_token):
            raise NotFound("No such hold.")
        if hold.effective_status(now) is AppointmentStatus.EXPIRED:
            raise SlotTaken("This hold has expired; the slot may have been taken. Find a new slot.")
        if hold.patient_id != patient_id:
            _claim(uow, hold, patient_id, now=now)
        hold.status, hold.hold_expires_at = AppointmentStatus.BOOKED, None
        if reason is not None:
            hold.reason = reason
        uow.appointments.save(hold)
        doctor = uow.doctors.get(hold.doctor_id)
        _mail(uow, "confirmed", hold, doctor)
        uow.events.add(APPOINTMENT_BOOKED, appointment_data(hold))  # a confirmed hold is a booking
        uow.commit()
    _invalidate(cache, doctor, hold.doctor_id)
    return hold


def release_hold(
    uow: AppointmentUnitOfWork, *, hold_id: uuid.UUID, patient_id: uuid.UUID | None,
    claim_token: str | None = None, cache: SlotCache, clock: Clock,
) -> None:  # fmt: skip
    """Give a held slot back at once (its patient, or whoever holds a guest hold's claim token)."""
    now = clock.now()
    with uow:
        hold = uow.appointments.get(hold_id, for_update=True)
        live = hold is not None and hold.status is AppointmentStatus.HELD
        if hold is None or not live or not _holder(hold, patient_id, claim_token):
            raise NotFound("No such hold.")
        hold.status = AppointmentStatus.CANCELLED
        hold.cancelled_at, hold.cancelled_by = now, patient_id or hold.patient_id
        hold.cancelled_by_role = "patient" if patient_id else "guest"
        hold.cancel_reason = "hold released"
        uow.appointments.save(hold)
        doctor = uow.doctors.get(hold.doctor_id)
        uow.commit()
    # Every specialization of the doctor: the freed time is offered again in each of their searches.
    _invalidate(cache, doctor, hold.doctor_id)


def cancel_appointment(
    uow: AppointmentUnitOfWork, *, appointment_id: uuid.UUID, actor: Identity, reason: str,
    cache: SlotCache, clock: Clock, accounts: PatientAccounts | None = None,
) -> Appointment:  # fmt: skip
    """Cancel an upcoming appointment (its patient, its doctor, an admin, or an integration for a patient
    its key registered); the slot is offered again."""
    patient_id = acting_for(uow, appointment_id=appointment_id, actor=actor, accounts=accounts)
    now = clock.now()
    with uow:
        appointment = visible_appointment(
            uow, appointment_id=appointment_id, actor=actor, for_update=True, acting_for_patient=patient_id
        )
        appointment.check_changeable(now)
        was_booked = appointment.status is AppointmentStatus.BOOKED
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at, appointment.cancelled_by = now, actor.user_id
        appointment.cancelled_by_role, appointment.cancel_reason = actor.role, reason
        uow.appointments.save(appointment)
        doctor = uow.doctors.get(appointment.doctor_id)
        _mail(uow, "cancelled", appointment, doctor)
        if was_booked:  # a hold given back was never announced as booked
            uow.events.add(APPOINTMENT_CANCELLED, appointment_data(appointment))
        uow.commit()
    _invalidate(cache, doctor, appointment.doctor_id)
    return appointment


def reschedule_appointment(
    uow: AppointmentUnitOfWork, *, cmd: RescheduleAppointment, cache: SlotCache, clock: Clock,
    accounts: PatientAccounts | None = None,
) -> Appointment:  # fmt: skip
    """Move an appointment to another start with the same doctor: the new time is taken or nothing changes."""
    patient_id = acting_for(uow, appointment_id=cmd.appointment_id, actor=cmd.actor, accounts=accounts)
    now = clock.now()
    with uow:
        old = visible_appointment(
            uow,
            appointment_id=cmd.appointment_id,
            actor=cmd.actor,
            for_update=True,
            acting_for_patient=patient_id,
        )
        old.check_changeable(now)
        if old.status is not AppointmentStatus.BOOKED:
            raise Conflict("Only a booked appointment can be rescheduled; confirm the hold first.")
        doctor = _bookable_doctor(uow, old.doctor_id, patient_id=old.patient_id)
        code = cmd.appointment_type or (None if cmd.duration_minutes else old.appointment_type)
        candidate = _candidate(doctor, code, cmd.duration_minutes)
        new = _new_appointment(old.patient_id, candidate, cmd.start, now=now, reason=old.reason)
        new.rescheduled_from = old.id
        old.status = AppointmentStatus.RESCHEDULED  # frees the old time for the new one, in this transaction
        old.rescheduled_to = new.id
        uow.appointments.save(old)
        _insert(uow, new, now=now)  # raises SlotTaken: the transaction rolls back, the old time stays
        _mail(uow, "rescheduled", new, doctor, previous=old)
        uow.events.add(APPOINTMENT_RESCHEDULED, appointment_data(new, previous=old))
        uow.commit()
    _invalidate(cache, doctor)
    return new


# -- helpers -------------------------------------------------------------------------------------------


def _digest(claim_token: str) -> str:
    return hashlib.sha256(claim_token.encode()).hexdigest()


def _holder(hold: Appointment, patient_id: uuid.UUID | None, claim_token: str | None) -> bool:
    """The hold is the patient's own, or an unclaimed guest hold whose token they show."""
    if patient_id is not None and hold.patient_id == patient_id:
        return True
    if claim_token is None or hold.claim_token_hash is None:
        return False
    return hmac.compare_digest(hold.claim_token_hash, _digest(claim_token))


def _claim(uow: AppointmentUnitOfWork, hold: Appointment, patient_id: uuid.UUID, *, now: datetime) -> None:
    """Make a guest hold the patient's, unless it overlaps their own time (then 409, nothing changed)."""
    uow.appointments.expire_holds(
        doctor_id=hold.doctor_id, patient_id=patient_id, start=hold.start,
        end=hold.blocked_until or hold.end, now=now,
    )  # fmt: skip
    if not uow.appointments.claim(hold.id, patient_id):
        raise SlotTaken(
            "You already have an appointment or hold at that time.", extra={"reason": "patient_overlap"}
        )
    hold.patient_id, hold.claim_token_hash = patient_id, None


def _replay(
    same_request: bool, status_code: int | None, response: dict[str, Any] | None, uow: AppointmentUnitOfWork
) -> Booked:
    if not same_request:
        raise ValidationFailed(
            "This Idempotency-Key was used for a different request.",
            errors={"Idempotency-Key": ["Already used with another body; use a new key for a new request."]},
        )
    if status_code == 201 and response:
        appointment = uow.appointments.get(uuid.UUID(response["appointment_id"]))
        if appointment is not None:
            return Booked(appointment, replayed=True)
    if status_code == 409 and response:
        raise SlotTaken(
            response.get("detail"), extra={k: v for k, v in response.items() if k not in _PROBLEM_KEYS}
        )
    raise Conflict("A request with this Idempotency-Key is still being processed; retry in a moment.")


_PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def _bookable_doctor(
    uow: AppointmentUnitOfWork, doctor_id: uuid.UUID, *, patient_id: uuid.UUID
) -> BookableDoctor:
    doctor = uow.doctors.get(doctor_id)
    if doctor is None:
        raise ValidationFailed("No such doctor.", errors={"doctor_id": ["No bookable doctor has this id."]})
    if not doctor.accepting_new_patients and doctor.id not in uow.appointments.doctors_seen_by(patient_id):
        raise Conflict(f"{doctor.full_name} is not accepting new patients.")
    return doctor


def _candidate(doctor: BookableDoctor, code: str | None, duration_minutes: int | None) -> Candidate:
    specialization = doctor.specialization(code) if code else None
    visit = doctor.appointment_type_for(
        specialization=specialization or doctor.specialization(None),
        code=code,
        duration_minutes=duration_minutes,
    )
    if visit is None:
        field, asked = (
            ("appointment_type", code) if code else ("duration_minutes", f"{duration_minutes} minutes")
        )
        offered = ", ".join(f"{t.code} ({t.duration_minutes} min)" for t in doctor.schedule.appointment_types)
        raise ValidationFailed(
            f"{doctor.full_name} does not offer {asked}.",
            errors={field: [f"Not offered; offered: {offered}."]},
        )
    return Candidate(doctor, specialization or doctor.specialization(None), visit)


def _new_appointment(
    patient_id: uuid.UUID,
    candidate: Candidate,
    start: datetime,
    *,
    now: datetime,
    reason: str,
    appointment_id: uuid.UUID | None = None,
) -> Appointment:
    if not is_bookable(candidate, [], start=start, now=now):
        schedule = candidate.doctor.schedule
        raise ValidationFailed(
            "This start is not one the doctor offers.",
            errors={
                "start": [
                    f"Must be on the doctor's {schedule.slot_step_minutes}-minute grid inside working hours, "
                    f"at least {schedule.minimum_notice_minutes} minutes from now and within "
                    f"{schedule.booking_horizon_days} days; find one with GET /api/v1/slots."
                ]
            },
        )
    end = start + candidate.duration
    return Appointment(
        id=appointment_id or uuid.uuid4(),
        patient_id=patient_id,
        doctor_id=candidate.doctor.id,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=candidate.doctor.schedule.buffer_minutes),
        status=AppointmentStatus.BOOKED,
        reason=reason,
        appointment_type=candidate.appointment_type.code,
        specialization=candidate.specialization.slug if candidate.specialization else "",
    )


def _insert(uow: AppointmentUnitOfWork, appointment: Appointment, *, now: datetime) -> None:
    if uow.appointments.add_if_free(appointment):
        return
    # Holds nobody confirmed in time may stand in the way: they expire now, in this transaction; try again.
    expired = uow.appointments.expire_holds(
        doctor_id=appointment.doctor_id, patient_id=appointment.patient_id,
        start=appointment.start, end=appointment.blocked_until or appointment.end, now=now,
    )  # fmt: skip
    if expired and uow.appointments.add_if_free(appointment):
        return
    if uow.appointments.overlapping_owner(appointment, now=now) == "patient":
        raise SlotTaken(
            "You already have an appointment or hold at that time.", extra={"reason": "patient_overlap"}
        )
    raise SlotTaken(
        "Someone else has just taken this slot. Please choose another one.", extra={"reason": "slot_taken"}
    )


def visible_appointment(
    uow: AppointmentUnitOfWork, *, appointment_id: uuid.UUID, actor: Identity, for_update: bool = False,
    acting_for_patient: uuid.UUID | None = None,
) -> Appointment:  # fmt: skip
    """The appointment if the actor may see it (its patient, its doctor, an admin, or an integration acting
    for its patient: `acting_for_patient`, checked with Auth-MS by integrations.acting_for); else 404."""
    appointment = uow.appointments.get(appointment_id, for_update=for_update)
    if appointment is None or not _may_see(uow, appointment, actor, acting_for_patient):
        raise NotFound("No such appointment.")
    return appointment


def _may_see(
    uow: AppointmentUnitOfWork, appointment: Appointment, actor: Identity, for_patient: uuid.UUID | None
) -> bool:
    if actor.is_integration:
        return for_patient is not None and appointment.patient_id == for_patient
    if actor.role == "admin":
        return True
    if actor.role == "patient":
        return appointment.patient_id == actor.user_id
    if actor.role == "doctor":
        doctor = uow.doctors.by_user(actor.user_id)
        return doctor is not None and doctor.id == appointment.doctor_id
    return False


def _mail(
    uow: AppointmentUnitOfWork, kind: str, appointment: Appointment, doctor: BookableDoctor | None,
    *, previous: Appointment | None = None,
) -> None:  # fmt: skip
    sequence, root = 0, appointment
    while root.rescheduled_from is not None and sequence < 50:
        earlier = (
            previous
            if previous and previous.id == root.rescheduled_from
            else uow.appointments.get(root.rescheduled_from)
        )
        if earlier is None:
            break
        root, sequence = earlier, sequence + 1
    if kind == "cancelled":
        sequence += 1
    payload: dict[str, Any] = {
        "appointment_id": str(appointment.id),
        "calendar_uid": f"{root.id}@hospital.example",
        "patient_id": str(appointment.patient_id),
        "doctor_id": str(appointment.doctor_id),
        "doctor_name": doctor.full_name if doctor else "",
        "doctor_time_zone": doctor.schedule.time_zone if doctor else "UTC",
        "specialization": appointment.specialization,
        "appointment_type": appointment.appointment_type,
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "duration_minutes": appointment.duration_minutes,
        "reason": appointment.reason,
        "status": appointment.status.value,
        "sequence": sequence,
        "clinic": doctor.clinic if doctor else "",
        "location": doctor.location if doctor else "",
    }
    if previous is not None:
        payload |= {"previous_start": _iso(previous.start), "previous_end": _iso(previous.end)}
    if kind == "cancelled":
        payload |= {
            "cancelled_by_role": appointment.cancelled_by_role,
            "cancel_reason": appointment.cancel_reason,
        }
    uow.mails.add(
        kind=kind, appointment_id=appointment.id, patient_id=appointment.patient_id, payload=payload
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _invalidate(cache: SlotCache, doctor: BookableDoctor | None, doctor_id: uuid.UUID | None = None) -> None:
    ids = [doctor.id] if doctor else [doctor_id] if doctor_id else []
    specs = [s.slug for s in doctor.specializations] if doctor else []
    cache.invalidate(doctor_ids=[i for i in ids if i], specializations=specs)
