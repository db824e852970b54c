"""Use cases for the other services: how to reach a user by mail (Appointment-MS's booking mails), and
which integration registered a patient (Appointment-MS lets only that key book for them)."""

from __future__ import annotations

import uuid

from auth_service.domain.users import User
from auth_service.ports import AuthUnitOfWork
from hospital_shared.errors import NotFound


def user_contact(uow: AuthUnitOfWork, *, user_id: uuid.UUID) -> User:
    """The account another service asks about; a disabled account is answered too (disabled=true), and the
    caller must not mail it."""
    with uow:
        user = uow.users.get(user_id)
    if user is None:
        raise NotFound("There is no account with this id.")
    return user
