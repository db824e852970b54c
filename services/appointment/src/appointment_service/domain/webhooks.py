"""Webhooks: which events exist, what an event says, how a delivery is signed, when a failed one is tried
again, and which endpoint addresses may be called at all.

Signature (see WEBHOOKS.md): header `Hospital-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the
HMAC is keyed with the endpoint's secret over `"<t>.<raw body>"`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from appointment_service.domain.appointment import Appointment

APPOINTMENT_BOOKED = "appointment.booked"
APPOINTMENT_CANCELLED = "appointment.cancelled"
APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
DOCTOR_SCHEDULE_CHANGED = "doctor.schedule_changed"
EVENT_TYPES = (APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED, DOCTOR_SCHEDULE_CHANGED)

SIGNATURE_HEADER = "Hospital-Signature"
SIGNATURE_TOLERANCE = timedelta(minutes=5)  # what the documented recipe tells receivers to accept

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED)


def new_secret() -> str:
    """A fresh signing secret (256 bits)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature_header(secret: str, *, timestamp: int, body: bytes) -> str:
    """The Hospital-Signature header value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={_hmac(secret, timestamp, body)}"


def _hmac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: str, header: str, body: bytes, *, now: datetime) -> bool:
    """The receiver's check (the recipe of WEBHOOKS.md): a v1 HMAC matches and t is at most 5 min old."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > SIGNATURE_TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(parts.get("v1", ""), _hmac(secret, timestamp, body))


def appointment_data(appointment: Appointment, *, previous: Appointment | None = None) -> dict[str, Any]:
    """What an appointment event says: the appointment without the patient's free-text reason (an
    integrator with the scope reads it with GET /api/v1/appointments/<id>)."""
    data: dict[str, Any] = {
        "appointment_id": str(appointment.id),
        "patient_id": str(appointment.patient_id),
        "doctor_id": str(appointment.doctor_id),
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "duration_minutes": appointment.duration_minutes,
        "status": appointment.status.value,
        "appointment_type": appointment.appointment_type,
        "specialization": appointment.specialization,
    }
    if appointment.cancelled_at is not None:
        data |= {
            "cancelled_at": _iso(appointment.cancelled_at),
            "cancelled_by_role": appointment.cancelled_by_role,
        }
    if previous is not None:
        data |= {
            "previous_appointment_id": str(previous.id),
            "previous_start": _iso(previous.start),
            "previous_end": _iso(previous.end),
        }
    return data


def schedule_changed_data(doctor_id: uuid.UUID, *, version: int, snapshot: dict[str, Any]) -> dict[str, Any]:
    """What doctor.schedule_changed says: the doctor, the projection's new version, the new schedule."""
    doctor = snapshot.get("doctor") or {}
    return {
        "doctor_id": str(doctor_id),
        "version": version,
        "active": bool(doctor.get("active", True)),
        "accepting_new_patients": bool(doctor.get("accepting_new_patients", True)),
        "schedule": snapshot.get("schedule"),
        "time_off": snapshot.get("time_off") or [],
    }


def schedule_changed(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Whether a new doctor snapshot changes when the doctor can be booked."""
    if before is None:
        return True
    keys = ("schedule", "time_off")
    watched = ("active", "accepting_new_patients")
    old_doctor, new_doctor = before.get("doctor") or {}, after.get("doctor") or {}
    return any(before.get(k) != after.get(k) for k in keys) or any(
        old_doctor.get(k, True) != new_doctor.get(k, True) for k in watched
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Backoff:
    """When a failed delivery is tried again: doubling from `first_delay` up to `max_delay`, each wait
    shortened by up to half at random (jitter), so endpoints coming back are not hit all at once."""

    first_delay: timedelta = timedelta(seconds=10)
    max_delay: timedelta = timedelta(hours=1)
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def delay_after(self, attempts: int) -> timedelta:
        exponent = min(max(attempts, 1) - 1, 30)
        full = min(self.first_delay * (2**exponent), self.max_delay)
        return full * (1 - 0.5 * self.jitter())


# -- which endpoints may be called ----------------------------------------------------------------------


class TargetRefused(ValueError):
    """An endpoint address a webhook may not be sent to."""


def check_url(url: str) -> tuple[str, int]:
    """(host, port) of an acceptable endpoint URL: https, a host, no credentials or fragment."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as error:
        raise TargetRefused("Not a valid URL.") from error
    if parts.scheme != "https":
        raise TargetRefused("Must be an https:// URL.")
    if not parts.hostname:
        raise TargetRefused("Must name a host.")
    if parts.username or parts.password:
        raise TargetRefused("Must not carry credentials.")
    if parts.fragment:
        raise TargetRefused("Must not have a #fragment.")
    return parts.hostname, port


def check_addresses(addresses: list[str], *, allow_private: bool) -> None:
    """Refuse a host that resolves to a loopback, private, link-local or otherwise non-public address
    (server-side request forgery), unless private targets are allowed (development and test stacks)."""
    if not addresses:
        raise TargetRefused("The host does not resolve.")
    if allow_private:
        return
    for raw in addresses:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise TargetRefused(
                "The host resolves to a private or loopback address; webhooks go to public hosts."
            )


# -- what the admin API shows ---------------------------------------------------------------------------


@dataclass
class Subscription:
    """An endpoint an admin registered, and the events it wants."""

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str
    secret: str
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """One event owed to one endpoint, as the delivery list shows it."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    give_up_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: int | None
    delivered_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class DueDelivery:
    """A delivery the dispatcher has claimed, with what it needs to send it."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    url: str
    secret: str
    attempts: int
    give_up_at: datetime
    event_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    data: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {"id": str(self.event_id), "type": self.event_type, "created_at": _iso(self.occurred_at),
                "data": self.data}  # fmt: skip


@dataclass(frozen=True)
class SendOutcome:
    """What one try gave: an HTTP status, or an error before any status (refused, timeout, TLS)."""

    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
