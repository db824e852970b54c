"""What Appointment-MS mails a patient when an appointment is booked, moved or cancelled.

A mail outbox row (written by the booking use cases in the same transaction) carries an `AppointmentNotice`
as JSON. `compose_mail` turns it into a plain-text mail with the time in the doctor's time zone and in UTC,
and an RFC 5545 calendar object (iTIP REQUEST or CANCEL, RFC 5546) whose UID stays the same for the
appointment, so calendar programs update or remove the event they already have.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CRLF = "\r\n"
FOLD_OCTETS = 75
PRODID = "-//Hospital Appointment Scheduler//Appointment-MS//EN"
UID_DOMAIN = "hospital.example"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
CANCELLED_BY = {
    "patient": "by you",
    "doctor": "by your doctor",
    "admin": "by the hospital",
    "integration": "by a service acting for you",  # a partner's API key, for a patient it registered
}


class MailKind(enum.StrEnum):
    CONFIRMED = "confirmed"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"

    @property
    def calendar_method(self) -> str:
        return "CANCEL" if self is MailKind.CANCELLED else "REQUEST"


class MailPayloadInvalid(ValueError):
    """An outbox row whose payload cannot make a mail (a bug on the writing side, never the patient's)."""


@dataclass(frozen=True)
class Mailbox:
    """Someone a mail goes to or comes from."""

    address: str
    name: str = ""


@dataclass(frozen=True)
class AppointmentNotice:
    """What happened to an appointment, as the mail outbox row's payload tells it."""

    kind: MailKind
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    doctor_name: str
    doctor_time_zone: str
    start: datetime
    end: datetime
    sequence: int
    specialization: str = ""
    appointment_type: str = ""
    reason: str = ""
    status: str = ""
    clinic: str = ""
    location: str = ""
    previous_start: datetime | None = None
    previous_end: datetime | None = None
    cancelled_by_role: str | None = None
    cancel_reason: str | None = None
    # Stays the same when a reschedule makes a new appointment (the first booking's), so the calendar event
    # stays one event; `<appointment_id>@hospital.example` when the payload does not say.
    calendar_uid: str = ""

    @classmethod
    def from_payload(cls, kind: str, payload: Mapping[str, Any]) -> AppointmentNotice:
        """Read an outbox payload; raises MailPayloadInvalid naming what is missing or malformed."""
        try:
            return cls(
                kind=MailKind(kind),
                appointment_id=uuid.UUID(str(payload["appointment_id"])),
                patient_id=uuid.UUID(str(payload["patient_id"])),
                doctor_id=uuid.UUID(str(payload["doctor_id"])),
                doctor_name=str(payload.get("doctor_name") or "your doctor"),
                doctor_time_zone=str(payload.get("doctor_time_zone") or "UTC"),
                start=_instant(payload["start"]),
                end=_instant(payload["end"]),
                sequence=int(payload.get("sequence") or 0),
                specialization=str(payload.get("specialization") or ""),
                appointment_type=str(payload.get("appointment_type") or ""),
                reason=str(payload.get("reason") or ""),
                status=str(payload.get("status") or ""),
                clinic=str(payload.get("clinic") or ""),
                location=str(payload.get("location") or ""),
                previous_start=_optional_instant(payload.get("previous_start")),
                previous_end=_optional_instant(payload.get("previous_end")),
                cancelled_by_role=payload.get("cancelled_by_role") or None,
                cancel_reason=payload.get("cancel_reason") or None,
                calendar_uid=str(payload.get("calendar_uid") or ""),
            )
        except KeyError as missing:
            raise MailPayloadInvalid(f"the mail payload has no {missing.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise MailPayloadInvalid(f"the mail payload is malformed: {error}") from None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("an appointment must end after it starts")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        if any(ch in self.calendar_uid for ch in "\r\n"):
            raise ValueError("calendar_uid must be one line")

    @property
    def uid(self) -> str:
        return self.calendar_uid or f"{self.appointment_id}@{UID_DOMAIN}"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def zone(self) -> ZoneInfo | None:
        """The doctor's time zone, or None when the name is unknown (the mail then shows UTC only)."""
        try:
            return ZoneInfo(self.doctor_time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    @property
    def place(self) -> str:
        return ", ".join(part.strip() for part in (self.clinic, self.location) if part.strip())

    @property
    def doctor_line(self) -> str:
        if not self.specialization:
            return self.doctor_name
        return f"{self.doctor_name} ({_words(self.specialization)})"


def _instant(raw: object) -> datetime:
    if not isinstance(raw, str):
        raise TypeError(f"expected an ISO 8601 string, got {raw!r}")
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{raw!r} has no UTC offset")
    return value.astimezone(UTC)


def _optional_instant(raw: object) -> datetime | None:
    return None if raw in (None, "") else _instant(raw)


def _words(slug: str) -> str:
    """`internal-medicine` as `Internal medicine`."""
    text = slug.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# -- the mail -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientMail:
    """One mail to a patient: plain text, and the calendar object to attach as a .ics file."""

    to: Mailbox
    subject: str
    body: str
    calendar: str
    calendar_method: str  # REQUEST or CANCEL, also the attachment's Content-Type `method` parameter

    @property
    def calendar_filename(self) -> str:
        return "cancellation.ics" if self.calendar_method == "CANCEL" else "appointment.ics"


def _day(moment: datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def _span(start: datetime, end: datetime) -> str:
    """`Tuesday 1 December 2026, 10:00-10:30`, with the end's date when it falls on another day."""
    end_part = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)}, {end:%H:%M}"
    return f"{_day(start)}, {start:%H:%M}-{end_part}"


def when_lines(notice: AppointmentNotice, start: datetime, end: datetime) -> list[str]:
    """The time of [start, end) in the doctor's time zone (the clinic's clock) and in UTC."""
    utc = f"{_span(start.astimezone(UTC), end.astimezone(UTC))} UTC"
    zone = notice.zone
    if zone is None or notice.doctor_time_zone in {"UTC", "Etc/UTC"}:
        return [utc]
    local_start = start.astimezone(zone)
    local = f"{_span(local_start, end.astimezone(zone))} {notice.doctor_time_zone} time ({local_start:%Z})"
    return [local, f"({utc})"]


def _subject(notice: AppointmentNotice) -> str:
    zone = notice.zone
    start = notice.start.astimezone(zone or UTC)
    moment = f"{_day(start)}, {start:%H:%M}{'' if zone else ' UTC'}"
    headline = {
        MailKind.CONFIRMED: "Appointment confirmed",
        MailKind.RESCHEDULED: "Appointment moved",
        MailKind.CANCELLED: "Appointment cancelled",
    }[notice.kind]
    return f"{headline}: {moment} with {notice.doctor_name}"


def _opening(notice: AppointmentNotice) -> str:
    if notice.kind is MailKind.CONFIRMED:
        return "your appointment is booked."
    if notice.kind is MailKind.RESCHEDULED:
        return "your appointment has been moved to a new time."
    by = CANCELLED_BY.get(notice.cancelled_by_role or "", "")
    return f"your appointment has been cancelled{' ' + by if by else ''}."


def _details(notice: AppointmentNotice) -> Iterable[tuple[str, str]]:
    when = when_lines(notice, notice.start, notice.end)
    yield ("When", when[0])
    for more in when[1:]:
        yield ("", more)
    if notice.kind is MailKind.RESCHEDULED and notice.previous_start and notice.previous_end:
        before = when_lines(notice, notice.previous_start, notice.previous_end)
        yield ("Was", before[0])
    yield ("Doctor", notice.doctor_line)
    yield ("Length", f"{notice.duration_minutes} minutes")
    if notice.appointment_type:
        yield ("Type", _words(notice.appointment_type))
    if notice.place:
        yield ("Where", notice.place)
    if notice.reason:
        yield ("Reason", notice.reason)
    if notice.kind is MailKind.CANCELLED and notice.cancel_reason:
        yield ("Why cancelled", notice.cancel_reason)
    yield ("Reference", str(notice.appointment_id))


def _closing(notice: AppointmentNotice) -> str:
    if notice.kind is MailKind.CANCELLED:
        return (
            "The attached calendar file (cancellation.ics) removes it from your calendar.\n"
            "You can book a new appointment at any time."
        )
    return (
        "The attached calendar file (appointment.ics) puts it in your calendar.\n"
        "If you cannot come, please cancel or move it in good time, so another patient can have the slot."
    )


def _body(notice: AppointmentNotice, to: Mailbox) -> str:
    rows = list(_details(notice))
    width = max(len(label) for label, _ in rows) + 2
    indent = "\n" + " " * (width + 2)  # a reason of several lines stays in its column
    table = "\n".join(
        f"  {(label + ':') if label else '':<{width}}{indent.join(value.splitlines())}"
        for label, value in rows
    )
    greeting = f"Hello {to.name}," if to.name else "Hello,"
    return f"{greeting}\n\n{_opening(notice)}\n\n{table}\n\n{_closing(notice)}\n"


def compose_mail(notice: AppointmentNotice, *, to: Mailbox, organizer: Mailbox, now: datetime) -> PatientMail:
    """The mail owed to the patient for `notice`, with its calendar object stamped at `now`."""
    return PatientMail(
        to=to,
        subject=_subject(notice),
        body=_body(notice, to),
        calendar=calendar_object(notice, attendee=to, organizer=organizer, now=now),
        calendar_method=notice.kind.calendar_method,
    )


# -- the calendar object (RFC 5545) -------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT property value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _parameter(value: str) -> str:
    """A parameter value (such as CN): quoted, since names hold commas and colons; DQUOTE cannot appear."""
    cleaned = "".join(ch for ch in value if ch not in '"\r\n' and (ch == "\t" or ord(ch) >= 0x20))
    return f'"{cleaned}"'


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character (3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, FOLD_OCTETS
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            # A continuation line starts with one space, which counts towards its 75 octets.
            current, size, limit = "", 0, FOLD_OCTETS - 1
        current += ch
        size += octets
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _description(notice: AppointmentNotice) -> str:
    opening = _opening(notice)
    lines = [opening[:1].upper() + opening[1:], f"Doctor: {notice.doctor_line}"]
    if notice.reason:
        lines.append(f"Reason: {notice.reason}")
    if notice.kind is MailKind.CANCELLED and notice.cancel_reason:
        lines.append(f"Why cancelled: {notice.cancel_reason}")
    lines.append(f"Reference: {notice.appointment_id}")
    return "\n".join(lines)


def calendar_object(
    notice: AppointmentNotice, *, attendee: Mailbox, organizer: Mailbox, now: datetime
) -> str:
    """A VCALENDAR with one VEVENT: METHOD:REQUEST to add or update it, METHOD:CANCEL to remove it."""
    cancelled = notice.kind is MailKind.CANCELLED
    summary = f"Appointment with {notice.doctor_line}"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{notice.kind.calendar_method}",
        "BEGIN:VEVENT",
        f"UID:{notice.uid}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(notice.start)}",
        f"DTEND:{_stamp(notice.end)}",
        f"SEQUENCE:{notice.sequence}",
        f"SUMMARY:{escape_text(('Cancelled: ' if cancelled else '') + summary)}",
        f"DESCRIPTION:{escape_text(_description(notice))}",
    ]
    if notice.place:
        lines.append(f"LOCATION:{escape_text(notice.place)}")
    lines += [
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        f"ORGANIZER;CN={_parameter(organizer.name or organizer.address)}:mailto:{organizer.address}",
        # The patient booked it themself: accepted already, no answer wanted.
        f"ATTENDEE;CN={_parameter(attendee.name or attendee.address)};ROLE=REQ-PARTICIPANT"
        f"{'' if cancelled else ';PARTSTAT=ACCEPTED'};RSVP=FALSE:mailto:{attendee.address}",
    ]
    if not cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(summary)}",
            "TRIGGER:-PT1H",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)


# -- retrying -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long a mail that could not be sent waits before the next try: doubling, up to a cap."""

    first_delay: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=5)

    def delay_after(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed try (1 for the first)."""
        exponent = min(max(attempts, 1) - 1, 30)  # 2**30 times anything is past any sensible cap
        return min(self.first_delay * (2**exponent), self.max_delay)
