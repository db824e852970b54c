"""Use cases for integrations: a partner system registers the patients it books for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from auth_service.domain.users import Role, User, normalize_email
from auth_service.ports import AuthPorts
from hospital_shared.errors import Conflict


@dataclass(frozen=True)
class IntegrationPatient:
    email: str
    full_name: str
    key_id: uuid.UUID  # the calling integration's API key


def register_patient_for_integration(command: IntegrationPatient, *, ports: AuthPorts) -> User:
    """Create a patient account for an integration, without a password (the patient may set one later
    through "forgot password"); the account records which key registered it, so only that key may book for it.

    An address that already has an account is a 409: the integration cannot take over someone's account.
    """
    email = normalize_email(command.email)
    with ports.uow() as uow:
        if uow.users.by_email(email) is not None:
            raise Conflict(
                "An account with this email already exists.", errors={"email": ["already registered"]}
            )
        user = User.new(
            email=email,
            full_name=command.full_name,
            role=Role.PATIENT,
            now=ports.clock.now(),
            registered_by_key=command.key_id,
        )
        uow.users.add(user)
        uow.commit()
    return user
