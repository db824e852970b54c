"""Doctors and the specialization catalog they belong to."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from hospital_shared.errors import NotFound, ValidationFailed
from hospital_shared.preconditions import require_if_match, strong_etag
from hospital_shared.schedule import (
    AppointmentType,
    InvalidSchedule,
    TimeOff,
    TimeOffKind,
    WeeklySchedule,
    time_off_conflicts,
    zone_or_none,
)

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
MAX_SPECIALIZATIONS = 5
DOCTOR_ROLE = "doctor"  # the Auth-MS role a listed doctor's account has
PROFILE_FIELDS = (
    "full_name",
    "specializations",
    "bio",
    "languages",
    "clinic",
    "location",
    "time_zone",
    "photo_url",
    "accepting_new_patients",
)
# What a whole-profile PUT sets for a field it leaves out (the required ones have none).
PROFILE_DEFAULTS: dict[str, Any] = {
    "bio": "",
    "languages": ("en",),
    "clinic": "",
    "location": "",
    "photo_url": None,
    "accepting_new_patients": True,
}


@dataclass(frozen=True)
class Specialization:
    """A medical specialty patients search by, with the usual length of a consultation."""

    slug: str
    name: str
    default_duration_minutes: int
    description: str = ""

    def default_appointment_type(self) -> AppointmentType:
        return AppointmentType(
            code=self.slug, name=f"{self.name} consultation", duration_minutes=self.default_duration_minutes
        )


@dataclass
class Doctor:
    """A doctor's public profile, weekly schedule and time off: one aggregate with one version.

    `version` grows with every change of any part (it orders the doctor's events and is the profile's ETag);
    `schedule_version` grows only when the schedule document changes (it is the schedule's ETag). A change
    that changes nothing (the same document sent back) grows neither.

    A doctor is listed (public directory, slot finder) while `active` (an admin may deactivate them) and
    their Auth-MS account is an enabled doctor account (`account_disabled` and `account_role`, kept from
    Auth-MS's account events).
    """

    id: uuid.UUID
    user_id: uuid.UUID
    full_name: str
    specializations: tuple[str, ...]
    schedule: WeeklySchedule
    bio: str = ""
    languages: tuple[str, ...] = ("en",)
    clinic: str = ""
    location: str = ""
    photo_url: str | None = None
    accepting_new_patients: bool = True
    time_off: list[TimeOff] = field(default_factory=list)
    version: int = 1
    schedule_version: int = 1
    active: bool = True
    account_disabled: bool = False
    account_role: str = DOCTOR_ROLE
    updated_at: datetime | None = None  # set by the repository

    @property
    def time_zone(self) -> str:
        return self.schedule.time_zone

    @property
    def schedule_etag(self) -> str:
        return strong_etag(self.schedule_version)

    @property
    def profile_etag(self) -> str:
        return strong_etag(self.version)

    @property
    def listed(self) -> bool:
        """Shown in the public directory and offered by the slot finder."""
        return self.active and not self.account_disabled and self.account_role == DOCTOR_ROLE

    def is_visible_to(self, user_id: uuid.UUID | None, role: str | None) -> bool:
        """Listed doctors are public; an unlisted one only to admins and to the doctor themself."""
        return self.listed or (user_id is not None and role is not None and self.is_managed_by(user_id, role))

    def is_managed_by(self, user_id: uuid.UUID, role: str) -> bool:
        """Admins manage every doctor; a doctor manages only their own profile."""
        return role == "admin" or (role == "doctor" and user_id == self.user_id)

    def update_profile(
        self,
        changes: Mapping[str, Any],
        catalog: Mapping[str, Specialization],
        *,
        if_match: str | None = None,
    ) -> bool:
        """Apply a (partial) profile change after checking every field; False when nothing changed.

        If-Match is optional here (a partial change merges), yet honoured when sent."""
        require_if_match(if_match, self.profile_etag, what="doctor profile", required=False)
        self.check_read_only_fields(changes)
        return self._apply_profile(validate_profile(changes, catalog, partial=True))

    def replace_profile(
        self, document: Mapping[str, Any], catalog: Mapping[str, Specialization], *, if_match: str | None
    ) -> bool:
        """Replace the whole profile (fields left out take their defaults); If-Match is required."""
        require_if_match(if_match, self.profile_etag, what="doctor profile")
        self.check_read_only_fields(document)
        clean = validate_profile(document, catalog, partial=False)
        return self._apply_profile({**PROFILE_DEFAULTS, **clean})

    def check_read_only_fields(self, document: Mapping[str, Any]) -> None:
        """A profile sent back as read carries id and user_id: they must be this doctor's; `version` is
        ignored (If-Match is the precondition), and `active` may only be sent unchanged."""
        errors: dict[str, list[str]] = {}
        for key, expected in (("id", self.id), ("user_id", self.user_id)):
            if key in document and document[key] is not None and not _same_id(document[key], expected):
                errors[key] = [f"Read-only: must be {expected} or left out."]
        if "active" in document and document["active"] != self.active:
            errors["active"] = [
                "Read-only here: an admin uses POST /api/v1/doctors/<id>/deactivate or /activate."
            ]
        for key in ("account_disabled", "account_role"):
            if key in document and document[key] != getattr(self, key):
                errors[key] = ["Read-only: follows the Auth-MS account."]
        if errors:
            raise ValidationFailed(
                "Read-only fields do not match this doctor; nothing was changed.", errors=errors
            )

    def _apply_profile(self, clean: dict[str, Any]) -> bool:
        time_zone = clean.pop("time_zone", None)
        changed = {key: value for key, value in clean.items() if getattr(self, key) != value}
        moves_zone = bool(time_zone) and time_zone != self.schedule.time_zone
        if not changed and not moves_zone:
            return False
        for key, value in changed.items():
            setattr(self, key, value)
        if moves_zone:
            self.schedule = self.schedule.with_time_zone(time_zone)
            self.schedule_version += 1
        self.version += 1
        return True

    def set_active(self, active: bool) -> bool:
        """Deactivate (hidden from the directory and the slot finder, agenda kept) or activate again."""
        if self.active == active:
            return False
        self.active = active
        self.version += 1
        return True

    def follow_account(self, *, disabled: bool | None = None, role: str | None = None) -> bool:
        """Follow the Auth-MS account (None: the event did not say): a disabled account, or one whose role
        is no longer doctor, takes the doctor out of the directory until it is an enabled doctor account."""
        disabled = self.account_disabled if disabled is None else disabled
        role = self.account_role if role is None else role
        if (disabled, role) == (self.account_disabled, self.account_role):
            return False
        self.account_disabled, self.account_role = disabled, role
        self.version += 1
        return True

    def check_schedule_document_is_mine(self, document: Mapping[str, Any]) -> None:
        """A schedule sent back as read names its doctor (`doctor_id`, read-only); it must be this doctor."""
        named = document.get("doctor_id")
        if named is None or _same_id(named, self.id):
            return
        raise ValidationFailed(
            "doctor_id names a different doctor from the one the URL names; nothing was changed.",
            errors={"doctor_id": [f"Must be {self.id}, the doctor whose schedule this is, or left out."]},
        )

    def check_schedule_precondition(self, if_match: str | None) -> None:
        """The caller must have seen the current schedule (optimistic concurrency; 428 without If-Match)."""
        require_if_match(if_match, self.schedule_etag, what="schedule")

    def replace_schedule(self, schedule: WeeklySchedule, *, if_match: str | None) -> bool:
        """Swap in a whole new schedule, if the caller saw the current one; False when it is the same."""
        self.check_schedule_precondition(if_match)
        if schedule == self.schedule:
            return False
        self.schedule = schedule
        self.schedule_version += 1
        self.version += 1
        return True

    def add_time_off(self, entry: TimeOff, *, today: date) -> None:
        """Add an entry from the doctor's today on, overlapping no entry of the same kind."""
        if entry.start_date < today:
            raise InvalidSchedule(
                "Time off in the past cannot be added.",
                errors={
                    "start_date": [f"Must be today ({today.isoformat()}, the doctor's time zone) or later."]
                },
            )
        custom = time_off_conflicts(self.time_off, entry)
        if custom:
            raise InvalidSchedule("The entry overlaps existing custom hours.", errors={"start_time": custom})
        away = [
            f"Overlaps time off {e.start_date.isoformat()}..{e.end_date.isoformat()}"
            + (f" {e.window.label}" if e.window else "")
            + "."
            for e in self.time_off
            if entry.kind is TimeOffKind.TIME_OFF and e.kind is TimeOffKind.TIME_OFF and entry.overlaps(e)
        ]
        if away:
            raise InvalidSchedule("The entry overlaps existing time off.", errors={"start_date": away})
        self.time_off.append(entry)
        self.time_off.sort(key=lambda e: (e.start_date, e.window.start_minute if e.window else -1))
        self.version += 1

    def remove_time_off(self, entry_id: uuid.UUID) -> TimeOff:
        entry = next((e for e in self.time_off if e.id == entry_id), None)
        if entry is None:
            raise NotFound("This doctor has no such time-off entry.")
        self.time_off.remove(entry)
        self.version += 1
        return entry


@dataclass(frozen=True)
class DoctorListing:
    """A doctor as the public directory lists them: the profile, without schedule or time off."""

    id: uuid.UUID
    user_id: uuid.UUID
    full_name: str
    specializations: tuple[str, ...]
    bio: str
    languages: tuple[str, ...]
    clinic: str
    location: str
    time_zone: str
    photo_url: str | None
    accepting_new_patients: bool
    version: int
    active: bool = True
    account_disabled: bool = False
    account_role: str = DOCTOR_ROLE
    updated_at: datetime | None = None

    @classmethod
    def of(cls, doctor: Doctor) -> DoctorListing:
        return cls(
            id=doctor.id,
            user_id=doctor.user_id,
            full_name=doctor.full_name,
            specializations=doctor.specializations,
            bio=doctor.bio,
            languages=doctor.languages,
            clinic=doctor.clinic,
            location=doctor.location,
            time_zone=doctor.time_zone,
            photo_url=doctor.photo_url,
            accepting_new_patients=doctor.accepting_new_patients,
            version=doctor.version,
            active=doctor.active,
            account_disabled=doctor.account_disabled,
            account_role=doctor.account_role,
            updated_at=doctor.updated_at,
        )


def _same_id(raw: object, expected: uuid.UUID) -> bool:
    try:
        return uuid.UUID(str(raw)) == expected
    except ValueError:
        return False


def default_schedule(time_zone: str, specializations: Sequence[Specialization]) -> WeeklySchedule:
    """What a new doctor starts with: no working hours yet, one appointment type per specialization."""
    return WeeklySchedule.from_document(
        {"time_zone": time_zone}, default_types=[s.default_appointment_type() for s in specializations]
    )


def validate_profile(
    raw: Mapping[str, Any], catalog: Mapping[str, Specialization], *, partial: bool
) -> dict[str, Any]:
    """Check profile fields; returns them cleaned (tuples, stripped text) or raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key in ("full_name", "specializations", "time_zone"):
        if not partial and key not in raw:
            fail(key, "Missing data for required field.")
    for key, value in raw.items():
        if key not in PROFILE_FIELDS:
            continue
        checker = _CHECKS[key]
        message, cleaned = checker(value, catalog)
        if message:
            fail(key, message)
        else:
            clean[key] = cleaned
    if errors:
        raise ValidationFailed("The doctor profile is not valid; nothing was changed.", errors=errors)
    return clean


def _text(limit: int, *, required: bool = False):
    def check(value: Any, _catalog: Any) -> tuple[str | None, Any]:
        if value is None and not required:
            return None, ""
        if not isinstance(value, str) or len(value.strip()) > limit or (required and not value.strip()):
            return f"Must be text of {'1' if required else '0'} to {limit} characters.", None
        return None, value.strip()

    return check


def _specializations(value: Any, catalog: Mapping[str, Specialization]) -> tuple[str | None, Any]:
    if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
        return 'Give one or more specialization slugs, such as ["cardiology"].', None
    unknown = [v for v in value if v not in catalog]
    if unknown:
        return f"Unknown specialization: {', '.join(unknown)}. See /api/v1/doctors/specializations.", None
    slugs = tuple(dict.fromkeys(value))
    if len(slugs) > MAX_SPECIALIZATIONS:
        return f"At most {MAX_SPECIALIZATIONS} specializations.", None
    return None, slugs


def _languages(value: Any, _catalog: Any) -> tuple[str | None, Any]:
    if not isinstance(value, list | tuple) or len(value) > 10:
        return 'Give a list of up to 10 language codes, such as ["en", "de"].', None
    bad = [v for v in value if not isinstance(v, str) or not _LANGUAGE.match(v)]
    if bad:
        return f"Not language codes (ISO 639, such as 'en' or 'pt-BR'): {bad}.", None
    return None, tuple(dict.fromkeys(value))


def _time_zone(value: Any, _catalog: Any) -> tuple[str | None, Any]:
    if zone_or_none(value) is None:
        return f"Unknown time zone {value!r}: use an IANA name such as Europe/Berlin.", None
    return None, value


def _photo_url(value: Any, _catalog: Any) -> tuple[str | None, Any]:
    if value is None or value == "":
        return None, None
    if not isinstance(value, str) or len(value) > 500 or not _URL.match(value):
        return "Must be an http(s) URL of at most 500 characters.", None
    return None, value


def _flag(value: Any, _catalog: Any) -> tuple[str | None, Any]:
    if not isinstance(value, bool):
        return "Must be true or false.", None
    return None, value


_CHECKS = {
    "full_name": _text(120, required=True),
    "specializations": _specializations,
    "bio": _text(2000),
    "languages": _languages,
    "clinic": _text(120),
    "location": _text(200),
    "time_zone": _time_zone,
    "photo_url": _photo_url,
    "accepting_new_patients": _flag,
}


def new_doctor(
    *,
    doctor_id: uuid.UUID,
    user_id: uuid.UUID,
    profile: Mapping[str, Any],
    catalog: Mapping[str, Specialization],
) -> Doctor:
    """A new doctor from a validated profile, with the default (empty) schedule."""
    clean = validate_profile(profile, catalog, partial=False)
    specs = [catalog[slug] for slug in clean["specializations"]]
    time_zone = clean.pop("time_zone")
    try:
        schedule = default_schedule(time_zone, specs)
    except InvalidSchedule as error:
        raise ValidationFailed(
            "The doctor's specializations give no usable default schedule.", errors=error.errors
        ) from error
    return replace(
        Doctor(id=doctor_id, user_id=user_id, full_name="", specializations=(), schedule=schedule), **clean
    )
