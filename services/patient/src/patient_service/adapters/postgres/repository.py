"""Translates between patient rows and domain profiles."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hospital_shared.db import SqlAlchemyUnitOfWork
from hospital_shared.paging import Page, paginate
from patient_service.adapters.postgres.models import PatientRow
from patient_service.domain.patient import Address, EmergencyContact, PatientProfile
from patient_service.ports import PatientRepository, PatientUnitOfWork


def _to_domain(row: PatientRow) -> PatientProfile:
    address = None
    if row.address_line1:
        address = Address(
            line1=row.address_line1,
            line2=row.address_line2 or "",
            city=row.address_city or "",
            postal_code=row.address_postal_code or "",
            country=row.address_country or "",
        )
    contact = None
    if row.emergency_contact_name:
        contact = EmergencyContact(
            name=row.emergency_contact_name,
            phone=row.emergency_contact_phone or "",
            relationship=row.emergency_contact_relationship or "",
        )
    return PatientProfile(
        user_id=row.user_id,
        full_name=row.full_name,
        date_of_birth=row.date_of_birth,
        phone=row.phone,
        preferred_language=row.preferred_language,
        address=address,
        emergency_contact=contact,
    )


def _copy(profile: PatientProfile, row: PatientRow) -> None:
    row.full_name = profile.full_name
    row.date_of_birth = profile.date_of_birth
    row.phone = profile.phone
    row.preferred_language = profile.preferred_language
    address, contact = profile.address, profile.emergency_contact
    row.address_line1 = address.line1 if address else None
    row.address_line2 = address.line2 if address else None
    row.address_city = address.city if address else None
    row.address_postal_code = address.postal_code if address else None
    row.address_country = address.country if address else None
    row.emergency_contact_name = contact.name if contact else None
    row.emergency_contact_phone = contact.phone if contact else None
    row.emergency_contact_relationship = contact.relationship if contact else None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlPatientRepository(PatientRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> PatientProfile | None:
        query = select(PatientRow).where(PatientRow.user_id == user_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.scalars(query).first()
        return _to_domain(row) if row else None

    def put(self, profile: PatientProfile) -> None:
        row = self._session.get(PatientRow, profile.user_id)
        if row is None:
            row = PatientRow(user_id=profile.user_id)
            self._session.add(row)
        _copy(profile, row)
        self._session.flush()

    def delete(self, user_id: uuid.UUID) -> bool:
        result = self._session.execute(delete(PatientRow).where(PatientRow.user_id == user_id))
        return bool(result.rowcount)

    def search(self, *, text: str | None, page: int, page_size: int) -> Page[PatientProfile]:
        query = select(PatientRow)
        for word in (text or "").split()[:5]:
            pattern = f"%{_escape_like(word)}%"
            query = query.where(
                or_(
                    PatientRow.full_name.ilike(pattern, escape="\\"),
                    PatientRow.phone.ilike(pattern, escape="\\"),
                    PatientRow.address_city.ilike(pattern, escape="\\"),
                )
            )
        return paginate(
            self._session,
            query.order_by(PatientRow.full_name, PatientRow.user_id),
            page=page,
            page_size=page_size,
            to_item=_to_domain,
        )


class SqlPatientUnitOfWork(SqlAlchemyUnitOfWork, PatientUnitOfWork):
    def _start(self, session: Session) -> None:
        self.patients = SqlPatientRepository(session)
