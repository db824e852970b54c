// The weekly schedule as the editor holds it: what the doctor typed (kept as typed, so nothing is lost),
// turned into Doctor-MS's document on save. The rules mirror hospital_shared/schedule.py so the editor only
// sends documents the server accepts, and the server's field errors land on the window they name.
import type { Schedule } from "../../api/types";

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WORKDAYS: readonly Weekday[] = WEEKDAYS.slice(0, 5);

export const DAY_NAME: Record<Weekday, string> = {
  monday: "Monday",
  tuesday: "Tuesday",
  wednesday: "Wednesday",
  thursday: "Thursday",
  friday: "Friday",
  saturday: "Saturday",
  sunday: "Sunday",
};
export const DAY_SHORT: Record<Weekday, string> = {
  monday: "Mon",
  tuesday: "Tue",
  wednesday: "Wed",
  thursday: "Thu",
  friday: "Fri",
  saturday: "Sat",
  sunday: "Sun",
};

// The server's limits (hospital_shared/schedule.py).
export const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;
export type SlotStep = (typeof SLOT_STEPS)[number];
export const MINUTES_PER_DAY = 24 * 60;
export const MAX_WINDOWS_PER_DAY = 12;
export const MAX_APPOINTMENT_TYPES = 20;
export const MAX_BUFFER_MINUTES = 240;
export const MAX_NOTICE_MINUTES = 30 * MINUTES_PER_DAY;
export const MAX_HORIZON_DAYS = 366;
export const MAX_DURATION_MINUTES = 8 * 60;
const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface DraftWindow {
  key: string;
  start: string;
  end: string;
}

export interface DraftType {
  key: string;
  /** Empty for a type added here: its code is made from its name when saved. */
  code: string;
  name: string;
  duration: string;
}

/** The settings are kept as text, as typed or chosen; the document is made from them on save. */
export interface Draft {
  time_zone: string;
  slot_step_minutes: string;
  buffer_minutes: string;
  minimum_notice_minutes: string;
  booking_horizon_days: string;
  weekly: Record<Weekday, DraftWindow[]>;
  appointment_types: DraftType[];
}

export const SETTINGS = [
  "time_zone",
  "slot_step_minutes",
  "buffer_minutes",
  "minimum_notice_minutes",
  "booking_horizon_days",
] as const;
export type Setting = (typeof SETTINGS)[number];

export type ScheduleDocument = Omit<Schedule, "doctor_id" | "version">;

let counter = 0;
export function newKey(prefix = "k"): string {
  counter += 1;
  return `${prefix}${counter}`;
}

// -- clock times ------------------------------------------------------------------------------------------

/** Minutes after midnight of a strict "HH:MM" (00:00 to 24:00), or null. */
export function parseClock(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : null;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** What a person types, as "HH:MM": "9" -> 09:00, "930" -> 09:30, "9.30" -> 09:30; else the text unchanged. */
export function readClock(text: string): string {
  const trimmed = text.trim();
  const match = /^(\d{1,2})(?:[:.h]?(\d{2}))?$/.exec(trimmed);
  if (!match) return trimmed;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? "0");
  if (hours > 24 || minutes > 59 || hours * 60 + minutes > MINUTES_PER_DAY) return trimmed;
  return formatClock(hours * 60 + minutes);
}

// -- from and to the server's document --------------------------------------------------------------------

function windowsOf(list: { start: string; end: string }[] | undefined): DraftWindow[] {
  return (list ?? []).map((w) => ({ key: newKey("w"), start: w.start, end: w.end }));
}

export function emptyWeek(): Record<Weekday, DraftWindow[]> {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, []])) as unknown as Record<Weekday, DraftWindow[]>;
}

export function fromServer(schedule: Schedule): Draft {
  const weekly = emptyWeek();
  for (const day of WEEKDAYS) weekly[day] = windowsOf(schedule.weekly?.[day]);
  return {
    time_zone: schedule.time_zone,
    slot_step_minutes: String(schedule.slot_step_minutes ?? 15),
    buffer_minutes: String(schedule.buffer_minutes ?? 0),
    minimum_notice_minutes: String(schedule.minimum_notice_minutes ?? 60),
    booking_horizon_days: String(schedule.booking_horizon_days ?? 60),
    weekly,
    appointment_types: (schedule.appointment_types ?? []).map((t) => ({
      key: newKey("t"),
      code: t.code,
      name: t.name ?? "",
      duration: t.duration_minutes === undefined ? "" : String(t.duration_minutes),
    })),
  };
}

/** A window left completely empty is not sent (an "Add hours" that was never filled in). */
function isBlank(window: DraftWindow): boolean {
  return !window.start.trim() && !window.end.trim();
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
}

/** Each type's code: kept for saved ones, made from the name (unique) for new ones. */
export function typeCodes(types: DraftType[]): string[] {
  const taken = new Set(types.filter((t) => t.code).map((t) => t.code));
  return types.map((type, index) => {
    if (type.code) return type.code;
    const base = slug(type.name) || `type-${index + 1}`;
    let code = base;
    for (let n = 2; taken.has(code); n += 1) code = `${base}-${n}`;
    taken.add(code);
    return code;
  });
}

function wholeNumber(text: string): number | string {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Where each sent window and type came from, to put the server's field errors back on them. */
export interface SentKeys {
  windows: Record<Weekday, string[]>;
  types: string[];
}

/**
 * The document for PUT /doctors/me/schedule, made from the editable fields only. The read-only fields of
 * the GET (doctor_id, version) are never part of it: If-Match carries the version.
 */
export function toDocument(draft: Draft): { document: ScheduleDocument; keys: SentKeys } {
  const weekly: Record<string, { start: string; end: string }[]> = {};
  const windowKeys = emptyWeek() as unknown as Record<Weekday, string[]>;
  for (const day of WEEKDAYS) {
    const sent = draft.weekly[day].filter((w) => !isBlank(w));
    weekly[day] = sent.map((w) => ({ start: readClock(w.start), end: readClock(w.end) }));
    windowKeys[day] = sent.map((w) => w.key);
  }
  const codes = typeCodes(draft.appointment_types);
  const document = {
    time_zone: draft.time_zone.trim(),
    slot_step_minutes: wholeNumber(draft.slot_step_minutes),
    buffer_minutes: wholeNumber(draft.buffer_minutes),
    minimum_notice_minutes: wholeNumber(draft.minimum_notice_minutes),
    booking_horizon_days: wholeNumber(draft.booking_horizon_days),
    weekly,
    appointment_types: draft.appointment_types.map((t, index) => ({
      code: codes[index]!,
      name: t.name.trim(),
      duration_minutes: wholeNumber(t.duration),
    })),
  } as unknown as ScheduleDocument;
  return { document, keys: { windows: windowKeys, types: draft.appointment_types.map((t) => t.key) } };
}

// -- quick edits ------------------------------------------------------------------------------------------

export interface Template {
  id: string;
  label: string;
  windows: [string, string][];
}

export const TEMPLATES: Template[] = [
  { id: "mornings", label: "Mornings", windows: [["08:00", "12:00"]] },
  { id: "full-day", label: "Full day", windows: [["09:00", "17:00"]] },
  {
    id: "full-day-lunch",
    label: "Full day with lunch break",
    windows: [
      ["09:00", "12:00"],
      ["13:00", "17:00"],
    ],
  },
];

export function templateHours(template: Template): string {
  return template.windows.map(([start, end]) => `${start}–${end}`).join(" + ");
}

function withDays(draft: Draft, days: readonly Weekday[], make: (day: Weekday) => DraftWindow[]): Draft {
  const weekly = { ...draft.weekly };
  for (const day of days) weekly[day] = make(day);
  return { ...draft, weekly };
}

/** The template's hours replace the hours of each of `days`. */
export function applyTemplate(draft: Draft, template: Template, days: readonly Weekday[]): Draft {
  return withDays(draft, days, () => template.windows.map(([start, end]) => ({ key: newKey("w"), start, end })));
}

/** `from`'s hours (as typed) replace the hours of each of `to`. */
export function copyDay(draft: Draft, from: Weekday, to: readonly Weekday[]): Draft {
  const source = draft.weekly[from];
  return withDays(
    draft,
    to.filter((day) => day !== from),
    () => source.map((w) => ({ key: newKey("w"), start: w.start, end: w.end })),
  );
}

export function clearDays(draft: Draft, days: readonly Weekday[]): Draft {
  return withDays(draft, days, () => []);
}

export function stepOf(draft: Draft): number {
  const step = Number(draft.slot_step_minutes);
  return (SLOT_STEPS as readonly number[]).includes(step) ? step : 15;
}

/**
 * A stretch drawn with the pointer from one minute to another (either way up), snapped outwards to the slot
 * step, inside the day, at least one step long.
 */
export function snapDrawn(fromMinute: number, toMinute: number, step: number): { start: number; end: number } {
  const low = Math.max(0, Math.min(fromMinute, toMinute));
  const high = Math.min(MINUTES_PER_DAY, Math.max(fromMinute, toMinute));
  let start = Math.floor(low / step) * step;
  let end = Math.ceil(high / step) * step;
  if (end - start < step) end = start + step;
  if (end > MINUTES_PER_DAY) {
    end = MINUTES_PER_DAY;
    start = Math.min(start, end - step);
  }
  return { start, end };
}

/** Add a drawn window to a day; windows it overlaps or touches become one with it. */
export function addDrawnWindow(draft: Draft, day: Weekday, start: number, end: number): Draft {
  let low = start;
  let high = end;
  const kept: DraftWindow[] = [];
  for (const window of draft.weekly[day]) {
    const s = parseClock(readClock(window.start));
    const e = parseClock(readClock(window.end));
    if (s !== null && e !== null && s < e && s <= high && low <= e) {
      low = Math.min(low, s);
      high = Math.max(high, e);
    } else {
      kept.push(window);
    }
  }
  const added = { key: newKey("w"), start: formatClock(low), end: formatClock(high) };
  const windows = [...kept, added].sort((a, b) => (parseClock(readClock(a.start)) ?? 0) - (parseClock(readClock(b.start)) ?? 0));
  return withDays(draft, [day], () => windows);
}

/**
 * Change an appointment type's length. When the slot step no longer divides every length, the step becomes
 * the largest allowed one that does (20-minute visits get a 20-minute step), and `note` says so.
 */
export function setDuration(draft: Draft, key: string, text: string): { draft: Draft; note?: string } {
  const types = draft.appointment_types.map((t) => (t.key === key ? { ...t, duration: text } : t));
  const next = { ...draft, appointment_types: types };
  const lengths = types.map((t) => wholeNumber(t.duration)).filter((n): n is number => typeof n === "number" && n > 0);
  const step = stepOf(draft);
  if (!lengths.length || lengths.every((n) => n % step === 0)) return { draft: next };
  const fits = [...SLOT_STEPS].reverse().find((s) => lengths.every((n) => n % s === 0 && n >= s));
  if (fits === undefined) return { draft: next };
  return {
    draft: { ...next, slot_step_minutes: String(fits) },
    note: `Slot step set to ${fits} minutes so that every appointment length fits it.`,
  };
}

// -- rules (the server's, so what is sent is valid) -------------------------------------------------------

export type FieldErrors = Record<string, string[]>;

function add(errors: FieldErrors, path: string, message: string): void {
  (errors[path] ??= []).push(message);
}

export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkWhole(errors: FieldErrors, path: string, value: unknown, low: number, high: number): void {
  if (typeof value !== "number") add(errors, path, "Must be a whole number.");
  else if (value < low || value > high) add(errors, path, `Must be between ${low} and ${high}.`);
}

/** Every broken rule of the document, keyed by the same paths the server uses (weekly.monday[0].end). */
export function validate(document: ScheduleDocument): FieldErrors {
  const errors: FieldErrors = {};
  const raw = document as unknown as Record<string, unknown>;
  if (!isTimeZone(document.time_zone)) {
    add(errors, "time_zone", `Unknown time zone '${document.time_zone}': use an IANA name such as Europe/Berlin.`);
  }
  const step = raw.slot_step_minutes;
  const stepOk = typeof step === "number" && (SLOT_STEPS as readonly number[]).includes(step);
  if (!stepOk) add(errors, "slot_step_minutes", `Must be one of ${SLOT_STEPS.join(", ")}.`);
  checkWhole(errors, "buffer_minutes", raw.buffer_minutes, 0, MAX_BUFFER_MINUTES);
  checkWhole(errors, "minimum_notice_minutes", raw.minimum_notice_minutes, 0, MAX_NOTICE_MINUTES);
  checkWhole(errors, "booking_horizon_days", raw.booking_horizon_days, 1, MAX_HORIZON_DAYS);
  for (const day of WEEKDAYS) checkDay(errors, day, document.weekly?.[day] ?? []);
  checkTypes(errors, document.appointment_types ?? [], stepOk ? (step as number) : 15);
  return errors;
}

function checkDay(errors: FieldErrors, day: Weekday, windows: { start: string; end: string }[]): void {
  const path = `weekly.${day}`;
  if (windows.length > MAX_WINDOWS_PER_DAY) add(errors, path, `At most ${MAX_WINDOWS_PER_DAY} windows per day.`);
  const valid: [number, number][] = [];
  windows.forEach((window, index) => {
    const at = `${path}[${index}]`;
    const start = parseClock(window.start);
    const end = parseClock(window.end);
    if (start === null || start === MINUTES_PER_DAY) add(errors, `${at}.start`, "Must be a local time HH:MM between 00:00 and 23:59.");
    if (end === null) add(errors, `${at}.end`, "Must be a local time HH:MM between 00:00 and 24:00.");
    if (start === null || end === null || start === MINUTES_PER_DAY) return;
    if (end === start) add(errors, `${at}.end`, "Must be after the start.");
    else if (end < start) {
      add(
        errors,
        `${at}.end`,
        `Must be after the start: windows past midnight are not supported; split it into ${formatClock(start)}-24:00 and 00:00-${formatClock(end)} on the next day.`,
      );
    } else valid.push([start, end]);
  });
  valid.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < valid.length; i += 1) {
    const [before, after] = [valid[i - 1]!, valid[i]!];
    if (after[0] < before[1]) {
      add(errors, path, `Windows overlap: ${formatClock(before[0])}-${formatClock(before[1])} and ${formatClock(after[0])}-${formatClock(after[1])}.`);
    }
  }
}

function checkTypes(errors: FieldErrors, types: NonNullable<ScheduleDocument["appointment_types"]>, step: number): void {
  if (!types.length) add(errors, "appointment_types", "Give at least one appointment type.");
  if (types.length > MAX_APPOINTMENT_TYPES) add(errors, "appointment_types", `At most ${MAX_APPOINTMENT_TYPES} appointment types.`);
  const seen = new Set<string>();
  types.forEach((type, index) => {
    const at = `appointment_types[${index}]`;
    if (!CODE.test(type.code)) add(errors, `${at}.code`, "Must be 1-40 lowercase letters, digits or dashes, such as 'follow-up'.");
    else if (seen.has(type.code)) add(errors, `${at}.code`, `Duplicate code '${type.code}'.`);
    seen.add(type.code);
    const name = (type.name ?? "").trim();
    if (name.length < 1 || name.length > 80) add(errors, `${at}.name`, "Must be text of 1 to 80 characters.");
    const duration = type.duration_minutes as unknown;
    if (typeof duration !== "number") add(errors, `${at}.duration_minutes`, "Must be a whole number of minutes.");
    else if (duration < step || duration > MAX_DURATION_MINUTES) {
      add(errors, `${at}.duration_minutes`, `Must be between ${step} and ${MAX_DURATION_MINUTES} minutes.`);
    } else if (duration % step) {
      add(errors, `${at}.duration_minutes`, `${duration} minutes is not a multiple of the slot step (${step} minutes).`);
    }
  });
}

// -- field errors back on the editor ----------------------------------------------------------------------

export interface DraftErrors {
  settings: Partial<Record<Setting, string>>;
  /** A day's own problems: overlapping windows, too many windows. */
  days: Partial<Record<Weekday, string>>;
  /** By window key: its start, its end, or the window as a whole. */
  windows: Record<string, { start?: string; end?: string; window?: string }>;
  /** By type key. */
  types: Record<string, { code?: string; name?: string; duration?: string; type?: string }>;
  typeList?: string;
  /** Errors no field of the editor shows ("path: message"). */
  other: string[];
}

export function noErrors(): DraftErrors {
  return { settings: {}, days: {}, windows: {}, types: {}, other: [] };
}

export function hasErrors(errors: DraftErrors): boolean {
  return (
    Object.keys(errors.settings).length > 0 ||
    Object.keys(errors.days).length > 0 ||
    Object.keys(errors.windows).length > 0 ||
    Object.keys(errors.types).length > 0 ||
    Boolean(errors.typeList) ||
    errors.other.length > 0
  );
}

// The API names every field one way, list items in brackets: weekly.monday[0].end, appointment_types[1].code.
const WINDOW_PATH = /^weekly\.([a-z]+)(?:\[(\d+)\](?:\.(start|end))?)?$/;
const TYPE_PATH = /^appointment_types(?:\[(\d+)\](?:\.(code|name|duration_minutes))?)?$/;
const TYPE_FIELD = { code: "code", name: "name", duration_minutes: "duration" } as const;

/** The server's (or the editor's own) `errors` map, put on the windows and fields it names. */
export function errorsOnDraft(errors: FieldErrors, keys: SentKeys): DraftErrors {
  const placed = noErrors();
  for (const [path, messages] of Object.entries(errors)) {
    const message = messages.join(" ");
    if ((SETTINGS as readonly string[]).includes(path)) {
      placed.settings[path as Setting] = message;
      continue;
    }
    const onWindow = WINDOW_PATH.exec(path);
    if (onWindow && (WEEKDAYS as readonly string[]).includes(onWindow[1]!)) {
      const day = onWindow[1] as Weekday;
      const index = onWindow[2];
      const key = index === undefined ? undefined : keys.windows[day][Number(index)];
      if (index === undefined) placed.days[day] = join(placed.days[day], message);
      else if (key) {
        const part = (onWindow[3] as "start" | "end" | undefined) ?? "window";
        const entry = (placed.windows[key] ??= {});
        entry[part] = join(entry[part], message);
      } else placed.days[day] = join(placed.days[day], message);
      continue;
    }
    const onType = TYPE_PATH.exec(path);
    if (onType) {
      const index = onType[1];
      const key = index === undefined ? undefined : keys.types[Number(index)];
      if (!key) placed.typeList = join(placed.typeList, message);
      else {
        const part = onType[2] ? TYPE_FIELD[onType[2] as keyof typeof TYPE_FIELD] : "type";
        const entry = (placed.types[key] ??= {});
        entry[part] = join(entry[part], message);
      }
      continue;
    }
    placed.other.push(`${path}: ${message}`);
  }
  return placed;
}

function join(before: string | undefined, message: string): string {
  return before ? `${before} ${message}` : message;
}

// -- what changed, and merging after someone else saved ---------------------------------------------------

/** One part of the schedule that is taken whole from one side when merging. */
export type Part = Setting | `weekly.${Weekday}` | `type:${string}`;

function dayValue(windows: DraftWindow[]): string {
  return windows
    .filter((w) => !isBlank(w))
    .map((w) => `${readClock(w.start)}-${readClock(w.end)}`)
    .sort()
    .join(",");
}

function typesByCode(draft: Draft): Map<string, { type: DraftType; value: string }> {
  const codes = typeCodes(draft.appointment_types);
  return new Map(
    draft.appointment_types.map((type, index) => [
      codes[index]!,
      { type, value: `${type.name.trim()}|${type.duration.trim()}` },
    ]),
  );
}

function partValues(draft: Draft): Map<Part, string> {
  const values = new Map<Part, string>();
  for (const setting of SETTINGS) values.set(setting, draft[setting].trim());
  for (const day of WEEKDAYS) values.set(`weekly.${day}`, dayValue(draft.weekly[day]));
  for (const [code, { value }] of typesByCode(draft)) values.set(`type:${code}`, value);
  return values;
}

/** The parts of `other` that differ from `base` (a type added or removed counts as changed). */
export function changedParts(base: Draft, other: Draft): Part[] {
  const before = partValues(base);
  const after = partValues(other);
  const parts = new Set<Part>([...before.keys(), ...after.keys()]);
  return [...parts].filter((part) => before.get(part) !== after.get(part));
}

export function isDirty(base: Draft, draft: Draft): boolean {
  return changedParts(base, draft).length > 0;
}

export interface Rebased {
  draft: Draft;
  /** Parts only I changed: mine are kept. */
  mine: Part[];
  /** Parts only they changed: theirs are taken. */
  theirs: Part[];
  /** Parts we both changed, differently: mine are kept ("mine on top"). */
  both: Part[];
}

/**
 * Someone saved `theirs` over the `base` I started from. Take theirs, then put back every part I changed:
 * where we both changed the same part, mine wins, since I am the one saving now and I can see the result.
 */
export function rebase({ base, mine, theirs }: { base: Draft; mine: Draft; theirs: Draft }): Rebased {
  const myParts = new Set(changedParts(base, mine));
  const theirParts = new Set(changedParts(base, theirs));
  const mineValues = partValues(mine);
  const theirValues = partValues(theirs);
  const merged: Draft = { ...theirs, weekly: { ...theirs.weekly } };
  for (const setting of SETTINGS) if (myParts.has(setting)) merged[setting] = mine[setting];
  for (const day of WEEKDAYS) if (myParts.has(`weekly.${day}`)) merged.weekly[day] = mine.weekly[day];
  merged.appointment_types = mergeTypes(theirs, mine, myParts);
  const both = [...myParts].filter((p) => theirParts.has(p) && mineValues.get(p) !== theirValues.get(p));
  return {
    draft: merged,
    mine: [...myParts].filter((p) => !theirParts.has(p)),
    theirs: [...theirParts].filter((p) => !myParts.has(p)),
    both,
  };
}

function mergeTypes(theirs: Draft, mine: Draft, myParts: Set<Part>): DraftType[] {
  const mineByCode = typesByCode(mine);
  const result: DraftType[] = [];
  const placed = new Set<string>();
  for (const [code, { type }] of typesByCode(theirs)) {
    placed.add(code);
    if (!myParts.has(`type:${code}`)) result.push(type);
    else if (mineByCode.has(code)) result.push(mineByCode.get(code)!.type); // I changed it: mine
    // else: I removed it
  }
  for (const [code, { type }] of mineByCode) {
    if (!placed.has(code) && myParts.has(`type:${code}`)) result.push(type); // I added it
  }
  return result;
}

// -- in words ---------------------------------------------------------------------------------------------

export function dayHours(windows: DraftWindow[]): string {
  const shown = windows.filter((w) => !isBlank(w)).map((w) => `${readClock(w.start)}–${readClock(w.end)}`);
  return shown.length ? shown.sort().join(", ") : "not working";
}

/** "Mon–Fri 09:00–12:00, 13:00–17:00 · Sat–Sun not working": equal neighbouring days are grouped. */
export function weekSummary(draft: Draft): string {
  const groups: { first: Weekday; last: Weekday; hours: string }[] = [];
  for (const day of WEEKDAYS) {
    const hours = dayHours(draft.weekly[day]);
    const last = groups[groups.length - 1];
    if (last && last.hours === hours) last.last = day;
    else groups.push({ first: day, last: day, hours });
  }
  return groups
    .map(({ first, last, hours }) => `${first === last ? DAY_SHORT[first] : `${DAY_SHORT[first]}–${DAY_SHORT[last]}`} ${hours}`)
    .join(" · ");
}

export function minutesInWords(minutes: number): string {
  if (minutes === 0) return "none";
  if (minutes % MINUTES_PER_DAY === 0) return plural(minutes / MINUTES_PER_DAY, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return `${minutes} min`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

const SETTING_LABEL: Record<Setting, string> = {
  time_zone: "Time zone",
  slot_step_minutes: "Slot step",
  buffer_minutes: "Buffer",
  minimum_notice_minutes: "Minimum notice",
  booking_horizon_days: "Booking horizon",
};

function settingInWords(draft: Draft, setting: Setting): string {
  const value = draft[setting];
  if (setting === "time_zone") return value;
  if (setting === "booking_horizon_days") return plural(Number(value), "day");
  if (setting === "slot_step_minutes") return `${value} min`;
  return /^\d+$/.test(value) ? minutesInWords(Number(value)) : value;
}

/** A part of `draft` as a person reads it: "Monday: 08:00–12:00", "Slot step: 20 min". */
export function describePart(part: Part, draft: Draft): string {
  if (part.startsWith("weekly.")) {
    const day = part.slice("weekly.".length) as Weekday;
    return `${DAY_NAME[day]}: ${dayHours(draft.weekly[day])}`;
  }
  if (part.startsWith("type:")) {
    const code = part.slice("type:".length);
    const found = typesByCode(draft).get(code);
    return found ? `${found.type.name || code}: ${found.type.duration} min` : `Appointment type ${code}: removed`;
  }
  const setting = part as Setting;
  return `${SETTING_LABEL[setting]}: ${settingInWords(draft, setting)}`;
}

export function settingsSummary(draft: Draft): string {
  const types = draft.appointment_types.map((t) => `${t.name || t.code} ${t.duration} min`).join(", ");
  return [
    types,
    `slot step ${draft.slot_step_minutes} min`,
    `buffer ${settingInWords(draft, "buffer_minutes")}`,
    `notice ${settingInWords(draft, "minimum_notice_minutes")}`,
    `bookable ${settingInWords(draft, "booking_horizon_days")} ahead`,
    draft.time_zone,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The type whose length is "the consultation": the one named after the doctor's main specialization. */
export function consultationKey(draft: Draft, specializationSlugs: string[]): string | undefined {
  const types = draft.appointment_types;
  for (const slug of specializationSlugs) {
    const found = types.find((t) => t.code === slug);
    if (found) return found.key;
  }
  return types[0]?.key;
}
