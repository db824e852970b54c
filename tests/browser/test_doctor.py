"""The doctor's area in a real browser: the weekly schedule set in a few counted actions and offered to
patients at once, two tabs editing the same schedule, the agenda with patients' names, time off, the profile.

Each test makes a doctor of its own (tests/browser/people.py), so they can run in any order.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.browser.helpers import ActionCounter, assert_accessible, console_errors, screenshot
from tests.browser.people import Account, create_doctor, create_patient, every_day, letters, sign_in
from tests.e2e.stack import StackUnderTest

BERLIN = ZoneInfo("Europe/Berlin")
MAX_ACTIONS_FOR_A_WEEK = 10
TO = "\N{EN DASH}"  # the app writes a range of hours with an en dash


def open_schedule(page: Page, doctor: Account | None) -> None:
    """The schedule editor of `doctor` (None: the page's context is signed in already)."""
    if doctor is not None:
        sign_in(page, doctor)
    page.goto("/doctor/schedule")
    expect(page.get_by_role("heading", name="Weekly schedule", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Save schedule")).to_be_visible()


def server_schedule(stack: StackUnderTest, doctor: Account) -> dict[str, Any]:
    answer = doctor.api(stack).get("/api/v1/doctors/me/schedule")
    assert answer.status_code == 200, answer.text
    return answer.json()


def local(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(BERLIN)


def next_weekday(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def slots_on(stack: StackUnderTest, doctor_id: str, day: date, *, timeout: float = 15) -> list[datetime]:
    """The doctor's free slot starts on a local day (Berlin), once the slot finder offers any."""
    start = datetime.combine(day, datetime.min.time(), BERLIN)
    query = {
        "doctor_id": doctor_id,
        "from": start.isoformat(),
        "to": (start + timedelta(days=1)).isoformat(),
        "limit": "100",
    }
    deadline = time.monotonic() + timeout
    while True:
        answer = stack.get("/api/v1/slots", params=query)
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        if items or time.monotonic() > deadline:
            return sorted(local(slot["start"]) for slot in items)
        time.sleep(0.2)


def test_a_doctor_sets_weekdays_with_a_lunch_break_and_20_minute_visits_in_ten_actions_and_patients_see_it(
    page: Page, stack: StackUnderTest, admin: Account
) -> None:
    doctor = create_doctor(stack, admin, full_name=f"Dr. Quick Week {letters()}")
    open_schedule(page, doctor)
    actions = ActionCounter(page)

    actions.click(page.get_by_role("button", name=re.compile(r"^Full day with lunch break")))
    actions.fill(page.get_by_label("Consultation length (minutes)"), "20")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    actions.click(page.get_by_role("button", name="Save schedule"))
    expect(page.get_by_text("Saved. Patients can book these hours now.")).to_be_visible()

    print(f"\n{actions.count} UI actions ({page.viewport_size}): " + "; ".join(actions.log))
    assert actions.count <= MAX_ACTIONS_FOR_A_WEEK
    saved = server_schedule(stack, doctor)
    lunch_break = [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        assert saved["weekly"][day] == lunch_break
    assert saved["weekly"]["saturday"] == saved["weekly"]["sunday"] == []
    assert [t["duration_minutes"] for t in saved["appointment_types"]] == [20]
    assert saved["slot_step_minutes"] == 20

    # What a patient's search offers right after saving: the next weekday in 20-minute steps, no lunch.
    day = next_weekday(datetime.now(BERLIN).date())
    starts = slots_on(stack, doctor.doctor_id or "", day)
    clock = [s.strftime("%H:%M") for s in starts]
    assert clock[:3] == ["09:00", "09:20", "09:40"], clock
    assert "11:40" in clock and "13:00" in clock and clock[-1] == "16:40", clock
    assert not [c for c in clock if "11:40" < c < "13:00"], clock  # nothing in (or running into) the break
    assert console_errors(page) == []


def test_two_tabs_edit_one_schedule_and_the_second_saves_after_taking_the_first_ones_changes(
    new_page: Any, stack: StackUnderTest, admin: Account
) -> None:
    week = every_day("09:00", "17:00") | {"minimum_notice_minutes": 60}
    week["weekly"] |= {"saturday": [], "sunday": []}
    doctor = create_doctor(stack, admin, full_name=f"Dr. Two Tabs {letters()}", schedule=week)
    first = new_page("desktop")
    second = first.context.new_page()  # the same doctor in a second tab: same context, same session
    open_schedule(first, doctor)
    open_schedule(second, None)
    one, two = ActionCounter(first), ActionCounter(second)

    # Tab one: Tuesday from 10:00 (typed), Saturday 10:00-13:00 (drawn), a 10-minute buffer.
    one.fill(first.get_by_label("Tuesday hours 1, from"), "10:00")
    draw(first, "saturday", "10:05", "12:55")
    one.log.append("drag on Saturday")
    expect(first.get_by_label("Saturday hours 1, from")).to_have_value("10:00")
    expect(first.get_by_label("Saturday hours 1, to")).to_have_value("13:00")
    one.select(first.get_by_label("Buffer after each appointment"), "10")
    one.click(first.get_by_role("button", name="Save schedule"))
    expect(first.get_by_text("Saved. Patients can book these hours now.")).to_be_visible()
    assert one.count == 4, one.log

    # Tab two, still on the old version: Monday 08:00-12:00 and a 5-minute buffer (the buffer collides).
    two.fill(second.get_by_label("Monday hours 1, from"), "08:00")
    two.fill(second.get_by_label("Monday hours 1, to"), "12:00")
    two.select(second.get_by_label("Buffer after each appointment"), "5")
    two.click(second.get_by_role("button", name="Save schedule"))
    conflict = second.get_by_role("alert").filter(has_text="This schedule was changed elsewhere")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(f"Saturday: 10:00{TO}13:00")  # their version's summary
    expect(conflict).to_contain_text(f"Tuesday: 10:00{TO}17:00")
    expect(second.get_by_label("Monday hours 1, from")).to_have_value("08:00")  # my edits are kept
    screenshot(second, "doctor-schedule-conflict")

    two.click(second.get_by_role("button", name="Reload their changes and keep mine on top"))
    merged = second.get_by_role("status").filter(has_text="Their changes are loaded, with yours on top")
    expect(merged).to_be_visible()
    expect(merged).to_contain_text("You both changed: Buffer. Yours is kept.")
    expect(second.get_by_label("Tuesday hours 1, from")).to_have_value("10:00")  # theirs, now on screen
    expect(second.get_by_label("Saturday hours 1, to")).to_have_value("13:00")
    two.click(second.get_by_role("button", name="Save schedule"))
    expect(second.get_by_text("Saved. Patients can book these hours now.")).to_be_visible()
    assert two.count == 6, two.log  # 4 edits + 2 clicks to resolve the conflict

    final = server_schedule(stack, doctor)
    assert final["weekly"]["monday"] == [{"start": "08:00", "end": "12:00"}]  # the second tab's
    assert final["weekly"]["tuesday"] == [{"start": "10:00", "end": "17:00"}]  # the first tab's
    assert final["weekly"]["saturday"] == [{"start": "10:00", "end": "13:00"}]  # the first tab's, drawn
    assert final["weekly"]["wednesday"] == [{"start": "09:00", "end": "17:00"}]  # nobody's
    assert final["buffer_minutes"] == 5  # both changed it: the tab that saved last, with its eyes on it, wins
    assert final["version"] == 4  # created 1, the harness's week 2, tab one 3, tab two 4
    assert console_errors(first) == [] and console_errors(second) == []


def draw(page: Page, day: str, start: str, end: str) -> None:
    """Drag on a day's column of the week grid from one local time to another."""
    column = page.locator(f"[data-day={day}]")
    column.scroll_into_view_if_needed()
    box = column.bounding_box()
    assert box is not None
    first, last = 7 * 60, 20 * 60  # the hours the grid shows while every window lies inside them

    def y(clock: str) -> float:
        hours, minutes = map(int, clock.split(":"))
        return box["y"] + (hours * 60 + minutes - first) / (last - first) * box["height"]

    x = box["x"] + box["width"] / 2
    page.mouse.move(x, y(start))
    page.mouse.down()
    page.mouse.move(x, (y(start) + y(end)) / 2, steps=4)
    page.mouse.move(x, y(end), steps=4)
    page.mouse.up()


def test_the_schedule_editor_with_windows_is_accessible_and_warns_before_leaving_unsaved(
    page: Page, stack: StackUnderTest, admin: Account
) -> None:
    week = every_day("09:00", "17:00")
    monday = [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]
    week["weekly"] |= {"monday": monday, "sunday": []}
    doctor = create_doctor(stack, admin, full_name=f"Dr. Screen Week {letters()}", schedule=week)
    open_schedule(page, doctor)
    expect(page.get_by_label("Monday hours 2, to")).to_have_value("18:00")
    screenshot(page, "doctor-schedule")
    assert_accessible(page, "doctor-schedule")

    actions = ActionCounter(page)
    actions.fill(page.get_by_label("Wednesday hours 1, to"), "25:00")
    actions.click(page.get_by_role("button", name="Save schedule"))
    end = page.get_by_label("Wednesday hours 1, to")
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("To: Must be a local time HH:MM between 00:00 and 24:00.")).to_be_visible()
    assert server_schedule(stack, doctor)["weekly"]["wednesday"] == [{"start": "09:00", "end": "17:00"}]

    actions.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Agenda"))
    dialog = page.get_by_role("alertdialog", name="Leave without saving?")
    expect(dialog).to_be_visible()
    actions.click(dialog.get_by_role("button", name="Stay here"))
    expect(end).to_have_value("25:00")  # nothing typed is lost
    assert actions.count == 4
    assert console_errors(page) == []


def test_the_agenda_shows_a_booked_patient_by_name_with_their_reason(
    page: Page, stack: StackUnderTest, admin: Account
) -> None:
    doctor = create_doctor(stack, admin, full_name=f"Dr. Agenda {letters()}", schedule=every_day())
    patient = create_patient(
        stack, full_name="Alma Bergström", profile={"date_of_birth": "1961-07-02", "phone": "+49 30 1234567"}
    )
    slot = stack.get(f"/api/v1/slots/next?doctor_id={doctor.doctor_id}").json()
    booked = patient.api(stack).post(
        "/api/v1/appointments",
        json={
            "doctor_id": doctor.doctor_id,
            "start": slot["start"],
            "reason": "Chest pain when climbing stairs",
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert booked.status_code == 201, booked.text

    sign_in(page, doctor)
    page.goto("/doctor")
    expect(page.get_by_role("heading", name="Agenda", level=1)).to_be_visible()
    expect(page.get_by_text("Alma Bergström")).to_be_visible()
    expect(page.get_by_text("Chest pain when climbing stairs")).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^{local(slot['start']):%H:%M}{TO}"))).to_be_visible()
    screenshot(page, "doctor-agenda")
    assert_accessible(page, "doctor-agenda")
    assert console_errors(page) == []


def test_time_off_is_added_on_the_calendar_past_entries_are_read_only_and_entries_can_be_deleted(
    page: Page, stack: StackUnderTest, admin: Account
) -> None:
    doctor = create_doctor(stack, admin, full_name=f"Dr. Away {letters()}")
    api = doctor.api(stack)
    today = datetime.now(BERLIN).date()
    # The API refuses time off in the past, so a past entry is one written before its day had come.
    add_past_time_off(stack, doctor_of(api), day=today - timedelta(days=3), reason="Conference")
    custom_day = today + timedelta(days=2)
    custom = api.post(
        "/api/v1/doctors/me/time-off",
        json={
            "kind": "custom_hours",
            "start_date": custom_day.isoformat(),
            "start_time": "10:00",
            "end_time": "14:00",
        },
    )
    assert custom.status_code == 201, custom.text

    sign_in(page, doctor)
    page.goto("/doctor/time-off")
    expect(page.get_by_role("heading", name="Time off", level=1)).to_be_visible()
    actions = ActionCounter(page)
    first, last = today + timedelta(days=7), today + timedelta(days=9)
    actions.fill(page.get_by_label("First day"), first.isoformat())
    actions.fill(page.get_by_label("Last day (optional)"), last.isoformat())
    actions.fill(page.get_by_label(re.compile(r"^Reason")), "Family holiday")
    actions.click(page.get_by_role("button", name="Add entry"))
    expect(page.get_by_role("status").filter(has_text="Added: Time off")).to_be_visible()
    assert actions.count == 4

    entries = api.get("/api/v1/doctors/me/time-off").json()["items"]
    holiday = next(e for e in entries if e["reason"] == "Family holiday")
    assert holiday["start_date"] == first.isoformat() and holiday["end_date"] == last.isoformat()
    assert holiday["start_time"] is None
    mine = page.get_by_role("region", name="Your entries")
    expect(mine.get_by_text(re.compile(rf"^Custom hours 10:00{TO}14:00"))).to_be_visible()
    page.get_by_text(re.compile(r"^Past entries \(1, read-only\)")).click()
    expect(mine.get_by_text("Conference")).to_be_visible()
    past_row = mine.get_by_role("listitem").filter(has_text="Conference")
    expect(past_row.get_by_role("button")).to_have_count(0)
    if first.month == today.month:  # the calendar shows this month: the new days are marked
        label = re.compile(rf"{first.day} .*: Time off \(Family holiday\)", re.IGNORECASE)
        expect(page.get_by_role("button", name=label)).to_be_visible()
    screenshot(page, "doctor-time-off")
    assert_accessible(page, "doctor-time-off")

    custom_row = mine.get_by_role("listitem").filter(has_text=f"Custom hours 10:00{TO}14:00")
    custom_row.get_by_role("button", name="Delete").click()
    custom_row.get_by_role("button", name="Yes, delete").click()
    expect(mine.get_by_text(re.compile(r"^Custom hours"))).to_have_count(0)
    left = [e["kind"] for e in api.get("/api/v1/doctors/me/time-off").json()["items"]]
    assert sorted(left) == ["time_off", "time_off"]
    assert console_errors(page) == []


def test_the_doctor_updates_their_profile(page: Page, stack: StackUnderTest, admin: Account) -> None:
    doctor = create_doctor(stack, admin, full_name=f"Dr. Profile {letters()}")
    sign_in(page, doctor)
    page.goto("/doctor/profile")
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    actions = ActionCounter(page)
    actions.fill(page.get_by_label("About you (shown to patients)"), "Heart rhythm specialist.")
    actions.fill(page.get_by_label("Languages you speak"), "en, de, english")
    actions.click(page.get_by_role("button", name="Save profile"))
    expect(page.get_by_text(re.compile(r"Not language codes .*english"))).to_be_visible()
    actions.fill(page.get_by_label("Languages you speak"), "en, de, tr")
    actions.fill(page.get_by_label("Clinic"), "Heart Centre, 3rd floor")
    actions.click(page.get_by_label("Taking new patients"))
    actions.click(page.get_by_role("button", name="Save profile"))
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert actions.count == 7

    profile = doctor.api(stack).get("/api/v1/doctors/me").json()
    assert profile["bio"] == "Heart rhythm specialist."
    assert profile["languages"] == ["en", "de", "tr"]
    assert profile["clinic"] == "Heart Centre, 3rd floor"
    assert profile["accepting_new_patients"] is False
    screenshot(page, "doctor-profile")
    assert_accessible(page, "doctor-profile")
    assert console_errors(page) == []


def doctor_of(api: Any) -> str:
    """The signed-in doctor's Doctor-MS id."""
    me = api.get("/api/v1/doctors/me")
    assert me.status_code == 200, me.text
    return str(me.json()["id"])


def add_past_time_off(stack: StackUnderTest, doctor_id: str, *, day: date, reason: str) -> None:
    """A day of time off that is over now, as a doctor's calendar holds after the day has passed."""
    database = f"{stack.env['DB_PREFIX']}doctors"
    engine = create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}")
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO doctor_time_off (id, doctor_id, kind, start_date, end_date, reason)"
                    " VALUES (:id, :doctor_id, 'time_off', :day, :day, :reason)"
                ),
                {"id": uuid.uuid4(), "doctor_id": doctor_id, "day": day, "reason": reason},
            )
    finally:
        engine.dispose()
