"""Use cases for integrations: a partner system registers the patients it books for."""

from __future__ import annotations

import uuid

from auth_service.domain.users import Role, User, normalize_email
from auth_service.ports import AuthUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import Conflict


def register_patient_for_integration(
    uow: AuthUnitOfWork, *, email: str, full_name: str, key_id: uuid.UUID, clock: Clock
) -> User:
    """Create a patient account for an integration, without a password (the patient may set one later
    through "forgot password"); the account records which key registered it, so only that key may book for it.

    `key_id` is the calling integration's API key. An address that already has an account is a 409: the
    integration cannot take over someone's account.
    """
    email = normalize_email(email)
    with uow:
        if uow.users.by_email(email) is not None:
            raise Conflict(
                "An account with this email already exists.", errors={"email": ["already registered"]}
            )
        user = User.new(
            email=email,
            full_name=full_name,
            role=Role.PATIENT,
            now=clock.now(),
            registered_by_key=key_id,
        )
        uow.users.add(user)
        uow.commit()
    return user
