import { describe, expect, it } from "vitest";

import type { Schedule } from "../../api/types";
import {
  addDrawnWindow,
  applyTemplate,
  changedParts,
  consultationKey,
  copyDay,
  type Draft,
  errorsOnDraft,
  fromServer,
  isDirty,
  readClock,
  rebase,
  setDuration,
  snapDrawn,
  TEMPLATES,
  toDocument,
  validate,
  weekSummary,
  WORKDAYS,
} from "./model";

const SERVER: Schedule = {
  doctor_id: "0b8c1f9e-3a52-4c39-9d44-8d8b7a2f0a11",
  version: 3,
  time_zone: "Europe/Berlin",
  slot_step_minutes: 15,
  buffer_minutes: 0,
  minimum_notice_minutes: 60,
  booking_horizon_days: 60,
  weekly: { monday: [{ start: "08:00", end: "12:00" }], tuesday: [], wednesday: [] },
  appointment_types: [{ code: "cardiology", name: "Cardiology consultation", duration_minutes: 30 }],
};

const template = (id: string) => TEMPLATES.find((t) => t.id === id)!;
const hours = (draft: Draft, day: keyof Draft["weekly"]) => draft.weekly[day].map((w) => `${w.start}-${w.end}`);

describe("templates", () => {
  it("full day with lunch break replaces the hours of every weekday and leaves the weekend alone", () => {
    const draft = fromServer({ ...SERVER, weekly: { saturday: [{ start: "10:00", end: "12:00" }] } });
    const filled = applyTemplate(draft, template("full-day-lunch"), WORKDAYS);
    for (const day of WORKDAYS) expect(hours(filled, day)).toEqual(["09:00-12:00", "13:00-17:00"]);
    expect(hours(filled, "saturday")).toEqual(["10:00-12:00"]);
    expect(hours(filled, "sunday")).toEqual([]);
  });

  it("mornings and full day apply only to the days chosen", () => {
    const draft = applyTemplate(fromServer(SERVER), template("mornings"), ["wednesday"]);
    expect(hours(draft, "wednesday")).toEqual(["08:00-12:00"]);
    expect(hours(applyTemplate(draft, template("full-day"), ["monday"]), "monday")).toEqual(["09:00-17:00"]);
    expect(hours(draft, "monday")).toEqual(["08:00-12:00"]);
  });
});

describe("copying a day", () => {
  it("copies Monday to every weekday, each with windows of its own", () => {
    const draft = fromServer({
      ...SERVER,
      weekly: { monday: [{ start: "08:00", end: "12:00" }, { start: "14:00", end: "18:00" }], friday: [{ start: "07:00", end: "09:00" }] },
    });
    const copied = copyDay(draft, "monday", WORKDAYS);
    for (const day of WORKDAYS) expect(hours(copied, day)).toEqual(["08:00-12:00", "14:00-18:00"]);
    const keys = WORKDAYS.flatMap((day) => copied.weekly[day].map((w) => w.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(hours(copied, "saturday")).toEqual([]);
  });

  it("copies what was typed, even a time not finished yet", () => {
    const draft = fromServer({ ...SERVER, weekly: { thursday: [{ start: "9", end: "" }] } });
    expect(hours(copyDay(draft, "thursday", ["saturday"]), "saturday")).toEqual(["9-"]);
  });
});

describe("drawing", () => {
  it("snaps a drag outwards to the slot step, whichever way it went", () => {
    expect(snapDrawn(9 * 60 + 7, 11 * 60 + 52, 15)).toEqual({ start: 9 * 60, end: 12 * 60 });
    expect(snapDrawn(11 * 60 + 52, 9 * 60 + 7, 20)).toEqual({ start: 9 * 60, end: 12 * 60 });
    expect(snapDrawn(9 * 60 + 1, 9 * 60 + 2, 30)).toEqual({ start: 9 * 60, end: 9 * 60 + 30 });
  });

  it("stays inside the day", () => {
    expect(snapDrawn(23 * 60 + 50, 25 * 60, 60)).toEqual({ start: 23 * 60, end: 24 * 60 });
    expect(snapDrawn(-30, 20, 15)).toEqual({ start: 0, end: 30 });
  });

  it("a drawn window that overlaps or touches others becomes one with them", () => {
    const draft = fromServer({ ...SERVER, weekly: { monday: [{ start: "08:00", end: "10:00" }, { start: "15:00", end: "16:00" }] } });
    const drawn = addDrawnWindow(draft, "monday", 9 * 60, 12 * 60);
    expect(hours(drawn, "monday")).toEqual(["08:00-12:00", "15:00-16:00"]);
    expect(hours(addDrawnWindow(drawn, "monday", 12 * 60, 13 * 60), "monday")).toEqual(["08:00-13:00", "15:00-16:00"]);
    expect(hours(addDrawnWindow(drawn, "tuesday", 13 * 60, 14 * 60), "tuesday")).toEqual(["13:00-14:00"]);
  });
});

describe("typing times", () => {
  it("reads what people type as HH:MM", () => {
    expect(readClock("9")).toBe("09:00");
    expect(readClock("930")).toBe("09:30");
    expect(readClock("17.45")).toBe("17:45");
    expect(readClock("24")).toBe("24:00");
    expect(readClock(" 08:15 ")).toBe("08:15");
    expect(readClock("25:00")).toBe("25:00");
    expect(readClock("noon")).toBe("noon");
  });
});

describe("the document sent", () => {
  it("has no read-only fields of the GET and normalised times; blank windows are left out", () => {
    const draft = fromServer(SERVER);
    draft.weekly.tuesday = [
      { key: "a", start: "", end: "" },
      { key: "b", start: "9", end: "1230" },
    ];
    const { document, keys } = toDocument(draft);
    expect(document).not.toHaveProperty("doctor_id");
    expect(document).not.toHaveProperty("version");
    expect(document.weekly?.tuesday).toEqual([{ start: "09:00", end: "12:30" }]);
    expect(keys.windows.tuesday).toEqual(["b"]);
    expect(document.slot_step_minutes).toBe(15);
    expect(validate(document)).toEqual({});
  });

  it("gives a new appointment type a code made from its name, unique", () => {
    const draft = fromServer(SERVER);
    draft.appointment_types.push({ key: "n1", code: "", name: "Follow-up visit", duration: "15" });
    draft.appointment_types.push({ key: "n2", code: "", name: "Follow up visit", duration: "30" });
    const codes = toDocument(draft).document.appointment_types!.map((t) => t.code);
    expect(codes).toEqual(["cardiology", "follow-up-visit", "follow-up-visit-2"]);
  });

  it("finds the same problems the server would, at the same paths", () => {
    const draft = fromServer(SERVER);
    draft.weekly.monday = [
      { key: "m0", start: "09:00", end: "12:00" },
      { key: "m1", start: "11:00", end: "10:00" },
      { key: "m2", start: "11:30", end: "13:00" },
    ];
    draft.appointment_types[0]!.duration = "25";
    draft.booking_horizon_days = "0";
    const errors = validate(toDocument(draft).document);
    expect(Object.keys(errors).sort()).toEqual([
      "appointment_types[0].duration_minutes",
      "booking_horizon_days",
      "weekly.monday",
      "weekly.monday[1].end",
    ]);
    expect(errors["weekly.monday"]).toEqual(["Windows overlap: 09:00-12:00 and 11:30-13:00."]);
    expect(errors["appointment_types[0].duration_minutes"]![0]).toContain("not a multiple of the slot step (15 minutes)");
  });
});

describe("20-minute consultations", () => {
  it("a length the slot step does not divide sets the largest step that fits it", () => {
    const draft = fromServer(SERVER);
    const key = consultationKey(draft, ["cardiology"])!;
    const { draft: changed, note } = setDuration(draft, key, "20");
    expect(changed.slot_step_minutes).toBe("20");
    expect(note).toContain("20 minutes");
    expect(validate(toDocument(changed).document)).toEqual({});
  });

  it("a length the step already divides leaves the step alone, and half-typed text changes nothing else", () => {
    const draft = fromServer(SERVER);
    const key = draft.appointment_types[0]!.key;
    expect(setDuration(draft, key, "45").draft.slot_step_minutes).toBe("15");
    expect(setDuration(draft, key, "2").draft.slot_step_minutes).toBe("15");
    expect(setDuration(draft, key, "").note).toBeUndefined();
  });

  it("the consultation is the type named after the main specialization, else the first", () => {
    const draft = fromServer({
      ...SERVER,
      appointment_types: [
        { code: "follow-up", name: "Follow-up", duration_minutes: 15 },
        { code: "cardiology", name: "Cardiology consultation", duration_minutes: 30 },
      ],
    });
    expect(consultationKey(draft, ["cardiology"])).toBe(draft.appointment_types[1]!.key);
    expect(consultationKey(draft, ["dermatology"])).toBe(draft.appointment_types[0]!.key);
  });
});

describe("the server's field errors", () => {
  it("land on the window, day, type and setting they name, by key", () => {
    const draft = fromServer(SERVER);
    draft.weekly.monday.push({ key: "blank", start: "", end: "" }, { key: "late", start: "13:00", end: "25:00" });
    const { keys } = toDocument(draft);
    const mondayFirst = draft.weekly.monday[0]!.key;
    const placed = errorsOnDraft(
      {
        "weekly.monday[1].end": ["Must be a local time HH:MM between 00:00 and 24:00."],
        "weekly.monday[0].start": ["Must be a local time HH:MM."],
        "weekly.monday": ["Windows overlap: 08:00-12:00 and 11:00-13:00."],
        "weekly.tuesday[4]": ["Must be an object with start and end."],
        "appointment_types[0].duration_minutes": ["Must be between 15 and 480 minutes."],
        "appointment_types": ["Give at least one appointment type."],
        slot_step_minutes: ["Must be one of 5, 10, 15, 20, 30, 60."],
        "weekly.funday": ["Not a weekday: use monday, tuesday, ... sunday."],
      },
      keys,
    );
    expect(placed.windows.late).toEqual({ end: "Must be a local time HH:MM between 00:00 and 24:00." });
    expect(placed.windows[mondayFirst]).toEqual({ start: "Must be a local time HH:MM." });
    expect(placed.windows.blank).toBeUndefined();
    expect(placed.days.monday).toContain("Windows overlap");
    expect(placed.days.tuesday).toBe("Must be an object with start and end.");
    expect(placed.types[draft.appointment_types[0]!.key]).toEqual({ duration: "Must be between 15 and 480 minutes." });
    expect(placed.typeList).toBe("Give at least one appointment type.");
    expect(placed.settings.slot_step_minutes).toContain("Must be one of");
    expect(placed.other).toEqual(["weekly.funday: Not a weekday: use monday, tuesday, ... sunday."]);
  });
});

describe("after someone else saved (412)", () => {
  it("takes their changes, keeps mine on top, and mine win where we both changed the same part", () => {
    const base = fromServer(SERVER);
    const mine = structuredClone(base);
    mine.weekly.tuesday = [{ key: "x", start: "10:00", end: "14:00" }];
    mine.slot_step_minutes = "20";
    mine.appointment_types[0]!.duration = "40";
    const theirs = fromServer({
      ...SERVER,
      version: 4,
      slot_step_minutes: 30,
      weekly: { ...SERVER.weekly, wednesday: [{ start: "07:00", end: "11:00" }] },
      appointment_types: [
        { code: "cardiology", name: "Cardiology consultation", duration_minutes: 30 },
        { code: "ecg", name: "ECG", duration_minutes: 30 },
      ],
      buffer_minutes: 10,
    });

    const result = rebase({ base, mine, theirs });

    expect(hours(result.draft, "tuesday")).toEqual(["10:00-14:00"]); // mine
    expect(hours(result.draft, "wednesday")).toEqual(["07:00-11:00"]); // theirs
    expect(hours(result.draft, "monday")).toEqual(["08:00-12:00"]); // nobody's
    expect(result.draft.slot_step_minutes).toBe("20"); // both: mine on top
    expect(result.draft.buffer_minutes).toBe("10");
    expect(result.draft.appointment_types.map((t) => `${t.code}:${t.duration}`)).toEqual(["cardiology:40", "ecg:30"]);
    expect(result.both).toEqual(["slot_step_minutes"]);
    expect(result.mine.sort()).toEqual(["type:cardiology", "weekly.tuesday"]);
    expect(result.theirs.sort()).toEqual(["buffer_minutes", "type:ecg", "weekly.wednesday"]);
    expect(changedParts(theirs, result.draft).sort()).toEqual(["slot_step_minutes", "type:cardiology", "weekly.tuesday"]);
  });

  it("a type I removed stays removed, one I added is kept", () => {
    const base = fromServer({
      ...SERVER,
      appointment_types: [
        { code: "cardiology", name: "Cardiology consultation", duration_minutes: 30 },
        { code: "ecg", name: "ECG", duration_minutes: 30 },
      ],
    });
    const mine = structuredClone(base);
    mine.appointment_types = [mine.appointment_types[0]!, { key: "new", code: "", name: "Holter", duration: "60" }];
    const theirs = fromServer({ ...SERVER, buffer_minutes: 5, appointment_types: base.appointment_types.map((t) => ({ code: t.code, name: t.name, duration_minutes: Number(t.duration) })) });
    const { draft } = rebase({ base, mine, theirs });
    expect(draft.appointment_types.map((t) => t.name)).toEqual(["Cardiology consultation", "Holter"]);
    expect(draft.buffer_minutes).toBe("5");
  });
});

describe("dirty and summaries", () => {
  it("reordering or re-typing the same times is not a change", () => {
    const base = fromServer({ ...SERVER, weekly: { monday: [{ start: "08:00", end: "10:00" }, { start: "12:00", end: "13:00" }] } });
    const same = structuredClone(base);
    same.weekly.monday = [
      { key: "p", start: "12", end: "13:00" },
      { key: "q", start: "0800", end: "10" },
      { key: "r", start: "", end: "" },
    ];
    expect(isDirty(base, same)).toBe(false);
    same.buffer_minutes = "5";
    expect(isDirty(base, same)).toBe(true);
  });

  it("groups equal neighbouring days", () => {
    const draft = applyTemplate(fromServer({ ...SERVER, weekly: {} }), template("full-day-lunch"), WORKDAYS);
    expect(weekSummary(draft)).toBe("Mon–Fri 09:00–12:00, 13:00–17:00 · Sat–Sun not working");
  });
});
