import { describe, expect, it } from "vitest";

import type { Slot } from "../../api/types";
import { groupSlotsByDay, plainReason, slotKey } from "./slotDays";

function slot(start: string, doctor = "d1", name = "Dr. One"): Slot {
  return {
    doctor_id: doctor, doctor_name: name, start, end: start, doctor_time_zone: "Europe/Berlin", duration_minutes: 30,
    appointment_type: "consultation", rank_reason: "",
  }; // prettier-ignore
}

describe("grouping slots by day", () => {
  const now = new Date("2026-03-02T10:00:00Z"); // a Monday

  it("groups by the viewer's calendar day, days and times earliest first", () => {
    const days = groupSlotsByDay(
      [slot("2026-03-03T09:00:00Z"), slot("2026-03-02T15:00:00Z"), slot("2026-03-02T11:00:00Z"), slot("2026-03-05T08:00:00Z")],
      "Europe/Berlin",
      now,
    );
    expect(days.map((d) => d.key)).toEqual(["2026-03-02", "2026-03-03", "2026-03-05"]);
    expect(days[0]!.slots.map((s) => s.start)).toEqual(["2026-03-02T11:00:00Z", "2026-03-02T15:00:00Z"]);
    expect(days.map((d) => d.label)).toEqual(["Today, Mon 2 Mar", "Tomorrow, Tue 3 Mar", "Thu 5 Mar"]);
  });

  it("uses the viewer's time zone, not UTC, for the day", () => {
    // 23:30 UTC is already the next day in Berlin, and still the same day in New York
    const late = [slot("2026-03-02T23:30:00Z")];
    expect(groupSlotsByDay(late, "Europe/Berlin", now)[0]!.key).toBe("2026-03-03");
    expect(groupSlotsByDay(late, "America/New_York", now)[0]!.key).toBe("2026-03-02");
  });

  it("keeps the finder's order for one start and drops a slot listed twice", () => {
    const first = slot("2026-03-02T11:00:00Z", "d2", "Dr. Less Booked");
    const second = slot("2026-03-02T11:00:00Z", "d1", "Dr. More Booked");
    const days = groupSlotsByDay([first, second, { ...first }], "Europe/Berlin", now);
    expect(days[0]!.slots.map((s) => s.doctor_name)).toEqual(["Dr. Less Booked", "Dr. More Booked"]);
  });

  it("tells slots apart by doctor and instant, whatever the offset is written as", () => {
    expect(slotKey(slot("2026-03-02T12:00:00+01:00"))).toBe(slotKey(slot("2026-03-02T11:00:00Z")));
    expect(slotKey(slot("2026-03-02T11:00:00Z", "d2"))).not.toBe(slotKey(slot("2026-03-02T11:00:00Z", "d1")));
  });

  it("answers no days for no slots", () => {
    expect(groupSlotsByDay([], "Europe/Berlin", now)).toEqual([]);
  });
});

describe("the reason of a slot in plain words", () => {
  it("turns the finder's clauses into sentences", () => {
    expect(plainReason("earliest free cardiology slot; Dr. Emma Fischer is less booked this week (31% vs 58%)")).toBe(
      "Earliest free cardiology slot. Dr. Emma Fischer is less booked this week (31% vs 58%).",
    );
  });
});
