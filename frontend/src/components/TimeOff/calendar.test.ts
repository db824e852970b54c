import { describe, expect, it } from "vitest";

import { covers, describe as describeEntry, emptyForm, isPast, monthGrid, toEntry } from "./calendar";

describe("the month grid", () => {
  it("starts on Monday and holds whole weeks around the month", () => {
    const weeks = monthGrid(2026, 12); // 1 Dec 2026 is a Tuesday
    expect(weeks[0]![0]).toBe("2026-11-30");
    expect(weeks[0]![1]).toBe("2026-12-01");
    expect(weeks.at(-1)!.at(-1)).toBe("2027-01-03");
    expect(weeks.every((w) => w.length === 7)).toBe(true);
  });

  it("a February starting on Monday has four weeks", () => {
    expect(monthGrid(2027, 2)).toHaveLength(4);
  });
});

describe("entries", () => {
  const holiday = { id: "1", kind: "time_off" as const, start_date: "2026-12-24", end_date: "2026-12-26", reason: "Holiday" };

  it("cover their days, and are past once their last day is", () => {
    expect(covers(holiday, "2026-12-25")).toBe(true);
    expect(covers(holiday, "2026-12-27")).toBe(false);
    expect(isPast(holiday, "2026-12-26")).toBe(false);
    expect(isPast(holiday, "2026-12-27")).toBe(true);
    expect(describeEntry(holiday)).toBe("Time off, Thu 24 Dec 2026 – Sat 26 Dec 2026, whole days");
  });

  it("whole days are sent without times; a range with times keeps them", () => {
    const whole = toEntry({ ...emptyForm("2026-12-24"), end_date: "2026-12-26" });
    expect(whole.errors).toEqual({});
    expect(whole.entry).toMatchObject({ kind: "time_off", start_date: "2026-12-24", end_date: "2026-12-26", start_time: null, end_time: null });
    const hours = toEntry({ ...emptyForm("2026-12-24"), whole_days: false, start_time: "9", end_time: "1230" });
    expect(hours.entry).toMatchObject({ start_time: "09:00", end_time: "12:30", end_date: null });
  });

  it("custom hours are for one day and need both times; bad ranges are caught before sending", () => {
    const custom = toEntry({ ...emptyForm("2026-12-24"), kind: "custom_hours", end_date: "2026-12-30", start_time: "10:00", end_time: "09:00" });
    expect(custom.entry.end_date).toBeNull();
    expect(custom.errors).toEqual({ end_time: "Must be after the start." });
    expect(toEntry({ ...emptyForm("2026-12-24"), end_date: "2026-12-20" }).errors.end_date).toBe("Must be on or after the first day.");
    expect(toEntry(emptyForm()).errors.start_date).toBe("Choose the first day.");
  });
});
