"""A patient's own profile, and the rules its fields follow."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hospital_shared.errors import ValidationFailed

_PHONE_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
OLDEST_AGE_YEARS = 130


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    line2: str = ""


@dataclass(frozen=True)
class EmergencyContact:
    name: str
    phone: str
    relationship: str = ""


@dataclass(frozen=True)
class PatientProfile:
    """What a patient tells the hospital about themself; keyed by their Auth user id."""

    user_id: uuid.UUID
    full_name: str
    date_of_birth: date
    phone: str
    preferred_language: str = "en"
    address: Address | None = None
    emergency_contact: EmergencyContact | None = None


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_field.setdefault(path, []).append(message)


def normalize_phone(raw: object) -> str | None:
    """The phone number in E.164 form (+4930123456), or None when it is not one."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    compact = _PHONE_SEPARATORS.sub("", raw.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact if _E164.match(compact) else None


def _text(raw: Mapping[str, Any], key: str, path: str, errors: _Errors, *, limit: int, required: bool) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(path, "Missing data for required field.")
        return ""
    if not isinstance(value, str) or len(value.strip()) > limit:
        errors.add(path, f"Must be text of at most {limit} characters.")
        return ""
    return value.strip()


def _date_of_birth(raw: object, today: date, errors: _Errors) -> date | None:
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            raw = date.fromisoformat(raw)
    if not isinstance(raw, date):
        errors.add("date_of_birth", "Must be a date YYYY-MM-DD.")
        return None
    if raw >= today:
        errors.add("date_of_birth", "Must be in the past.")
        return None
    if today.year - raw.year > OLDEST_AGE_YEARS:
        errors.add("date_of_birth", f"Must be within the last {OLDEST_AGE_YEARS} years.")
        return None
    return raw


def _phone(raw: object, path: str, errors: _Errors) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        errors.add(path, "Must be a phone number with country code, such as +49 30 1234567.")
        return ""
    return phone


def _address(raw: object, errors: _Errors) -> Address | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.add("address", "Must be an object with line1, city, postal_code and country.")
        return None
    line1 = _text(raw, "line1", "address.line1", errors, limit=120, required=True)
    line2 = _text(raw, "line2", "address.line2", errors, limit=120, required=False)
    city = _text(raw, "city", "address.city", errors, limit=80, required=True)
    postal_code = _text(raw, "postal_code", "address.postal_code", errors, limit=16, required=True)
    country = raw.get("country")
    if not isinstance(country, str) or not _COUNTRY.match(country.strip().upper()):
        errors.add("address.country", "Must be a two-letter country code, such as DE.")
        return None
    return Address(
        line1=line1, line2=line2, city=city, postal_code=postal_code, country=country.strip().upper()
    )


def _emergency_contact(raw: object, errors: _Errors) -> EmergencyContact | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.add("emergency_contact", "Must be an object with name, phone and relationship.")
        return None
    name = _text(raw, "name", "emergency_contact.name", errors, limit=120, required=True)
    phone = _phone(raw.get("phone"), "emergency_contact.phone", errors)
    relationship = _text(
        raw, "relationship", "emergency_contact.relationship", errors, limit=40, required=False
    )
    return EmergencyContact(name=name, phone=phone, relationship=relationship)


def profile_from_document(user_id: uuid.UUID, raw: Mapping[str, Any], *, today: date) -> PatientProfile:
    """A validated profile from a full document; raises ValidationFailed naming every bad field."""
    errors = _Errors()
    full_name = _text(raw, "full_name", "full_name", errors, limit=120, required=True)
    date_of_birth = _date_of_birth(raw.get("date_of_birth"), today, errors)
    phone = _phone(raw.get("phone"), "phone", errors)
    language = raw.get("preferred_language") or "en"
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        errors.add("preferred_language", "Must be a language code such as en, de or pt-BR.")
    address = _address(raw.get("address"), errors)
    contact = _emergency_contact(raw.get("emergency_contact"), errors)
    if errors.by_field:
        raise ValidationFailed("The profile is not valid; nothing was changed.", errors=errors.by_field)
    assert date_of_birth is not None
    return PatientProfile(
        user_id=user_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        phone=phone,
        preferred_language=language,
        address=address,
        emergency_contact=contact,
    )
