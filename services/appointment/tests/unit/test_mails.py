"""The mails patients get, and their calendar objects read back with a real iCalendar parser."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from appointment_service.domain.mails import (
    AppointmentNotice,
    Mailbox,
    MailPayloadInvalid,
    RetryPolicy,
    compose_mail,
    escape_text,
    fold,
)

PATIENT = Mailbox("pat@example.org", "Pat Patient")
HOSPITAL = Mailbox("appointments@hospital.example", "Hospital appointments")
NOW = datetime(2026, 11, 20, 8, 15, 0, tzinfo=UTC)
APPOINTMENT_ID = uuid.UUID("6f1c2a9e-3b1d-4c55-9a0e-0d6c1f2b7a11")


def payload(**changes: Any) -> dict[str, Any]:
    base = {
        "appointment_id": str(APPOINTMENT_ID),
        "patient_id": str(uuid.uuid4()),
        "doctor_id": str(uuid.uuid4()),
        "doctor_name": "Dr. Dora Heart",
        "doctor_time_zone": "Europe/Berlin",
        "specialization": "cardiology",
        "appointment_type": "first-visit",
        "start": "2026-12-01T09:00:00+00:00",
        "end": "2026-12-01T09:30:00+00:00",
        "duration_minutes": 30,
        "reason": "Chest pain",
        "status": "booked",
        "sequence": 0,
        "clinic": "Heart Centre",
        "location": "Room 3",
    }
    return {**base, **changes}


def mail_for(kind: str, **changes: Any):
    notice = AppointmentNotice.from_payload(kind, payload(**changes))
    return compose_mail(notice, to=PATIENT, organizer=HOSPITAL, now=NOW)


def event_of(calendar_text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(calendar_text)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_a_confirmation_shows_the_time_in_the_doctors_zone_and_in_utc() -> None:
    mail = mail_for("confirmed")

    assert mail.subject == "Appointment confirmed: Tuesday 1 December 2026, 10:00 with Dr. Dora Heart"
    assert mail.to == PATIENT
    assert "Hello Pat Patient," in mail.body
    assert "Tuesday 1 December 2026, 10:00-10:30 Europe/Berlin time (CET)" in mail.body
    assert "Tuesday 1 December 2026, 09:00-09:30 UTC" in mail.body
    assert "Dr. Dora Heart (Cardiology)" in mail.body
    assert "Heart Centre, Room 3" in mail.body
    assert str(APPOINTMENT_ID) in mail.body


def test_summer_time_is_shown_as_the_doctors_clock_shows_it() -> None:
    mail = mail_for("confirmed", start="2026-07-01T07:00:00Z", end="2026-07-01T07:20:00Z")

    assert "Wednesday 1 July 2026, 09:00-09:20 Europe/Berlin time (CEST)" in mail.body
    assert "07:00-07:20 UTC" in mail.body


def test_an_unknown_time_zone_falls_back_to_utc_and_says_so() -> None:
    mail = mail_for("confirmed", doctor_time_zone="Mars/Olympus_Mons")

    assert mail.subject.endswith("09:00 UTC with Dr. Dora Heart")
    assert "09:00-09:30 UTC" in mail.body
    assert "Mars" not in mail.body


def test_the_calendar_object_of_a_booking_is_a_request_with_a_stable_uid() -> None:
    mail = mail_for("confirmed")
    calendar, event = event_of(mail.calendar)

    assert mail.calendar_method == "REQUEST"
    assert mail.calendar_filename == "appointment.ics"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert "Appointment-MS" in str(calendar["PRODID"])
    assert str(event["UID"]) == f"{APPOINTMENT_ID}@hospital.example"
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Appointment with Dr. Dora Heart (Cardiology)"
    assert str(event["LOCATION"]) == "Heart Centre, Room 3"
    assert str(event["ORGANIZER"]) == "mailto:appointments@hospital.example"
    assert str(event["ATTENDEE"]) == "mailto:pat@example.org"
    assert event["ATTENDEE"].params["CN"] == "Pat Patient"


def test_times_are_written_in_utc_with_z() -> None:
    lines = mail_for("confirmed").calendar.split("\r\n")

    assert "DTSTART:20261201T090000Z" in lines
    assert "DTEND:20261201T093000Z" in lines
    assert "DTSTAMP:20261120T081500Z" in lines


def test_a_reschedule_updates_the_same_event_with_a_higher_sequence_and_tells_the_old_time() -> None:
    mail = mail_for(
        "rescheduled",
        start="2026-12-02T13:00:00Z",
        end="2026-12-02T13:30:00Z",
        previous_start="2026-12-01T09:00:00Z",
        previous_end="2026-12-01T09:30:00Z",
        sequence=1,
    )
    _, event = event_of(mail.calendar)

    assert mail.subject.startswith("Appointment moved: Wednesday 2 December 2026, 14:00")
    assert "Was:" in mail.body and "Tuesday 1 December 2026, 10:00-10:30" in mail.body
    assert mail.calendar_method == "REQUEST"
    assert str(event["UID"]) == f"{APPOINTMENT_ID}@hospital.example"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def test_a_reschedule_that_made_a_new_appointment_keeps_the_uid_the_booking_gave() -> None:
    first = f"{uuid.uuid4()}@hospital.example"
    mail = mail_for("rescheduled", appointment_id=str(uuid.uuid4()), calendar_uid=first)

    assert str(event_of(mail.calendar)[1]["UID"]) == first


def test_a_cancellation_is_a_cancel_of_the_same_event() -> None:
    mail = mail_for(
        "cancelled", status="cancelled", sequence=2, cancelled_by_role="doctor", cancel_reason="Doctor is ill"
    )
    calendar, event = event_of(mail.calendar)

    assert mail.subject.startswith("Appointment cancelled: Tuesday 1 December 2026, 10:00")
    assert "cancelled by your doctor" in mail.body
    assert "Doctor is ill" in mail.body
    assert mail.calendar_method == "CANCEL"
    assert mail.calendar_filename == "cancellation.ics"
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{APPOINTMENT_ID}@hospital.example"
    assert int(event["SEQUENCE"]) == 2
    assert not event.walk("VALARM")


def test_every_line_ends_with_crlf_and_none_is_longer_than_75_octets() -> None:
    long_reason = (
        "Pain in the chest, left arm and jaw; worse when climbing stairs. " * 5 + "Ärztin, bitte! 心臓"
    )
    text = mail_for(
        "confirmed", reason=long_reason, doctor_name="Dr. Łucja Żółkiewska-Brzęczyszczykiewicz"
    ).calendar

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # something was folded
    _, event = event_of(text)
    assert long_reason in str(event["DESCRIPTION"])
    assert "Żółkiewska-Brzęczyszczykiewicz" in str(event["SUMMARY"])


def test_text_values_escape_commas_semicolons_backslashes_and_line_breaks() -> None:
    tricky = 'Pain; fever, cough \\ "bad"\r\nsince Monday'

    assert escape_text(tricky) == 'Pain\\; fever\\, cough \\\\ "bad"\\nsince Monday'
    mail = mail_for("confirmed", reason=tricky, clinic="Main, North; Wing", location="")
    _, event = event_of(mail.calendar)
    assert f"Reason: {tricky.replace(chr(13), '')}" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Main, North; Wing"


def test_a_name_with_a_quote_or_colon_cannot_break_the_attendee_line() -> None:
    mail = compose_mail(
        AppointmentNotice.from_payload("confirmed", payload()),
        to=Mailbox("pat@example.org", 'Pat "The: Patient", Jr.'),
        organizer=HOSPITAL,
        now=NOW,
    )
    _, event = event_of(mail.calendar)

    assert str(event["ATTENDEE"]) == "mailto:pat@example.org"
    assert event["ATTENDEE"].params["CN"] == "Pat The: Patient, Jr."


def test_folding_never_splits_a_multi_byte_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)

    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert "".join(piece.removeprefix(" ") for piece in pieces) == line


def test_a_multi_line_reason_stays_in_its_column_of_the_text_mail() -> None:
    body = mail_for("confirmed", reason="Chest pain\nsince Monday").body

    reason_line = next(line for line in body.splitlines() if line.strip().startswith("Reason:"))
    following = body.splitlines()[body.splitlines().index(reason_line) + 1]
    assert following.strip() == "since Monday"
    assert following.index("since") == reason_line.index("Chest")


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"start": None}, "malformed"),
        ({"end": "2026-12-01T09:30:00"}, "UTC offset"),
        ({"end": "2026-12-01T08:00:00Z"}, "end after"),
        ({"appointment_id": "not-a-uuid"}, "malformed"),
    ],
)
def test_a_payload_that_cannot_make_a_mail_is_refused_with_a_reason(changes, complaint) -> None:
    with pytest.raises(MailPayloadInvalid, match=complaint):
        AppointmentNotice.from_payload("confirmed", payload(**changes))


def test_a_payload_without_a_start_or_with_an_unknown_kind_is_refused() -> None:
    without_start = payload()
    del without_start["start"]
    with pytest.raises(MailPayloadInvalid, match="'start'"):
        AppointmentNotice.from_payload("confirmed", without_start)
    with pytest.raises(MailPayloadInvalid):
        AppointmentNotice.from_payload("postponed", payload())


def test_the_wait_between_tries_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=5), max_delay=timedelta(minutes=5))

    waits = [policy.delay_after(attempt).total_seconds() for attempt in range(1, 10)]

    assert waits == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    assert policy.delay_after(10_000) == timedelta(minutes=5)
