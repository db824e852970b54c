"""Use cases for the other services: how to reach a user by mail (Appointment-MS's booking mails)."""

from __future__ import annotations

import uuid

from auth_service.domain.users import User
from auth_service.ports import AuthPorts
from hospital_shared.errors import NotFound


def user_contact(user_id: uuid.UUID, *, ports: AuthPorts) -> User:
    """The account whose address another service may mail; unknown and disabled accounts are not found."""
    with ports.uow() as uow:
        user = uow.users.get(user_id)
    if user is None or user.disabled:
        raise NotFound("There is no enabled account with this id.")
    return user
