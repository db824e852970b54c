"""The doctor directory: search it a page at a time, and read one doctor."""

from __future__ import annotations

import uuid

from doctor_service.domain.doctor import Doctor, DoctorListing
from doctor_service.ports import DirectoryQuery, DoctorUnitOfWork
from doctor_service.service_layer.doctor_changes import find_doctor
from hospital_shared.errors import Forbidden, NotFound, ValidationFailed
from hospital_shared.identity import Identity
from hospital_shared.paging import Page

# The HTTP query schema (PageQuerySchema) refuses these first; callers without it are held to the same.
MAX_PAGE_SIZE = 100


def search_doctors(
    uow: DoctorUnitOfWork, *, query: DirectoryQuery, actor: Identity | None = None
) -> Page[DoctorListing]:
    """The directory: doctors by specialization and name (or changed since a moment), a page at a time.

    Only admins may ask for unlisted doctors (deactivated, or with a disabled account) too."""
    if query.page < 1:
        raise ValidationFailed(errors={"page": ["Must be 1 or more."]})
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(errors={"page_size": [f"Must be between 1 and {MAX_PAGE_SIZE}."]})
    if query.include_unlisted and (actor is None or actor.role != "admin"):
        raise Forbidden(
            "Only admins may list inactive doctors.", errors={"include_inactive": ["Admins only."]}
        )
    with uow:
        if query.specialization and query.specialization not in uow.catalog():
            raise ValidationFailed(
                f"Unknown specialization {query.specialization!r}.",
                errors={"specialization": ["Unknown specialization."]},
            )
        return uow.doctors.search(query)


def get_doctor(
    uow: DoctorUnitOfWork, *, doctor_id: uuid.UUID | None, actor: Identity | None = None
) -> Doctor:
    """One doctor by id, or the caller's own doctor profile when doctor_id is None.

    An unlisted doctor (deactivated, or their account disabled) is found only by admins and themself."""
    with uow:
        doctor = find_doctor(uow, doctor_id=doctor_id, actor=actor, for_update=False)
    if not doctor.is_visible_to(actor.user_id if actor else None, actor.role if actor else None):
        raise NotFound("No doctor with this id.")
    return doctor
