"""An integration acts only for the patients its API key registered (domain/integrations.py says who).

Auth-MS is asked before anything is read or written for the integration, outside any transaction, so a
slow Auth-MS holds no row lock; when it cannot answer the request is a 503 and nothing is written.
People are not affected: they book for themselves and their role decides what they see.
"""

from __future__ import annotations

import uuid

from appointment_service.ports import AccountsUnavailable, AppointmentUnitOfWork, PatientAccounts
from hospital_shared.errors import Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from hospital_shared.identity import Identity

BOOK_ONLY_OWN = "This API key may book only for patients it registered"
READ_ONLY_OWN = "This API key may read only the appointments of patients it registered"
_NOT_FOUND = "No such appointment."


def booking_parties(actor: Identity, patient_id: uuid.UUID | None) -> tuple[uuid.UUID, uuid.UUID | None]:
    """(the patient, the integration booking for them or None): people book for themselves only."""
    if not actor.is_integration:
        if patient_id is not None:
            raise ValidationFailed(
                "You book for yourself: leave patient_id out.",
                errors={"patient_id": ["Only an integration's API key may name the patient."]},
            )
        return actor.user_id, None
    if patient_id is None:
        raise ValidationFailed(
            "An API key books for one of the patients it registered: send their patient_id.",
            errors={"patient_id": ["Missing data for required field."]},
        )
    return patient_id, actor.user_id


def check_acts_for(
    *, key_id: uuid.UUID, patient_id: uuid.UUID, accounts: PatientAccounts, refusal: str = BOOK_ONLY_OWN
) -> None:
    """403 unless Auth-MS says the key registered this (enabled) patient; 503 when it cannot say."""
    try:
        account = accounts.account_of(patient_id)
    except AccountsUnavailable as error:
        raise ServiceUnavailable(
            "Auth-MS cannot confirm the patient's account right now; nothing was changed. Retry in a moment.",
            headers={"Retry-After": "2"},
        ) from error
    if account is None or not account.may_be_acted_for_by(key_id):
        raise Forbidden(refusal)  # the same for an unknown id: a key learns nothing of other accounts


def listed_patient(
    actor: Identity, patient_id: uuid.UUID | None, *, accounts: PatientAccounts | None
) -> uuid.UUID | None:
    """Whose appointments an integration lists (required, and registered by its key); None for people."""
    if not actor.is_integration:
        return None
    if patient_id is None:
        raise ValidationFailed(
            "An API key lists the appointments of one of the patients it registered: send patient_id.",
            errors={"patient_id": ["Required with an API key."]},
        )
    if accounts is None:
        raise Forbidden(READ_ONLY_OWN)
    check_acts_for(key_id=actor.user_id, patient_id=patient_id, accounts=accounts, refusal=READ_ONLY_OWN)
    return patient_id


def acting_for(
    uow: AppointmentUnitOfWork,
    *,
    appointment_id: uuid.UUID,
    actor: Identity,
    accounts: PatientAccounts | None,
) -> uuid.UUID | None:
    """For an integration: the appointment's patient, once Auth-MS says the key registered them (404
    otherwise, as for anyone's appointment that is not theirs to see). None for people."""
    if not actor.is_integration:
        return None
    with uow:
        appointment = uow.appointments.get(appointment_id)
    if appointment is None or accounts is None:
        raise NotFound(_NOT_FOUND)
    try:
        check_acts_for(key_id=actor.user_id, patient_id=appointment.patient_id, accounts=accounts)
    except Forbidden as refused:
        raise NotFound(_NOT_FOUND) from refused
    return appointment.patient_id
