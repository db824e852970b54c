// Time off and custom hours on a month calendar. Dates are the doctor's local calendar dates (YYYY-MM-DD),
// computed without any time zone so that a date never slips by a day.
import type { TimeOff } from "../../api/types";
import { readClock } from "../Schedule/model";

export const MAX_TIME_OFF_DAYS = 366;

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function utcDate(text: string): Date {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

export function addDays(text: string, days: number): string {
  const date = utcDate(text);
  date.setUTCDate(date.getUTCDate() + days);
  return iso(date);
}

export function daysBetween(first: string, last: string): number {
  return Math.round((utcDate(last).getTime() - utcDate(first).getTime()) / 86_400_000);
}

/** The weeks (Monday first) that show `month` (1-12) of `year`, days of the months around included. */
export function monthGrid(year: number, month: number): string[][] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const offset = (first.getUTCDay() + 6) % 7; // Monday = 0
  let day = addDays(iso(first), -offset);
  const weeks: string[][] = [];
  do {
    const week: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      week.push(day);
      day = addDays(day, 1);
    }
    weeks.push(week);
  } while (utcDate(day).getUTCMonth() === month - 1);
  return weeks;
}

export function lastDate(entry: TimeOff): string {
  return entry.end_date || entry.start_date;
}

export function covers(entry: TimeOff, date: string): boolean {
  return entry.start_date <= date && date <= lastDate(entry);
}

/** Past entries are kept as history and not changed any more. */
export function isPast(entry: TimeOff, today: string): boolean {
  return lastDate(entry) < today;
}

const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const MONTH_FORMAT = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** "Thu 24 Dec 2026" */
export function formatDate(text: string): string {
  const parts = DAY_FORMAT.formatToParts(utcDate(text));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}`;
}

export function formatMonth(year: number, month: number): string {
  return MONTH_FORMAT.format(new Date(Date.UTC(year, month - 1, 1)));
}

export function hoursOf(entry: TimeOff): string {
  return entry.start_time && entry.end_time ? `${entry.start_time}–${entry.end_time}` : "";
}

/** "10–14" or "10:30–14": hours short enough for a calendar cell. */
export function shortHours(entry: TimeOff): string {
  const short = (clock: string) => (clock.endsWith(":00") ? String(Number(clock.slice(0, 2))) : clock);
  return entry.start_time && entry.end_time ? `${short(entry.start_time)}–${short(entry.end_time)}` : "";
}

/** "Time off, Thu 24 Dec 2026 – Sat 26 Dec 2026, whole days" */
export function describe(entry: TimeOff): string {
  const last = lastDate(entry);
  const dates = last === entry.start_date ? formatDate(entry.start_date) : `${formatDate(entry.start_date)} – ${formatDate(last)}`;
  if (entry.kind === "custom_hours") return `Custom hours ${hoursOf(entry)}, ${dates}`;
  return `Time off, ${dates}, ${hoursOf(entry) ? `${hoursOf(entry)} each day` : last === entry.start_date ? "whole day" : "whole days"}`;
}

export interface TimeOffForm {
  kind: "time_off" | "custom_hours";
  start_date: string;
  end_date: string;
  whole_days: boolean;
  start_time: string;
  end_time: string;
  reason: string;
}

export function emptyForm(date = ""): TimeOffForm {
  return { kind: "time_off", start_date: date, end_date: "", whole_days: true, start_time: "", end_time: "", reason: "" };
}

/** The entry to POST, and what is wrong with the form first (keyed like the server's errors). */
export function toEntry(form: TimeOffForm): { entry: TimeOff; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const custom = form.kind === "custom_hours";
  const start = form.start_date;
  const end = custom ? "" : form.end_date;
  const withHours = custom || !form.whole_days;
  const startTime = withHours ? readClock(form.start_time) : "";
  const endTime = withHours ? readClock(form.end_time) : "";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) errors.start_date = "Choose the first day.";
  if (end && !/^\d{4}-\d{2}-\d{2}$/.test(end)) errors.end_date = "Choose the last day, or leave it empty for one day.";
  else if (end && !errors.start_date && end < start) errors.end_date = "Must be on or after the first day.";
  else if (end && !errors.start_date && daysBetween(start, end) >= MAX_TIME_OFF_DAYS) {
    errors.end_date = `Time off may span at most ${MAX_TIME_OFF_DAYS} days per entry.`;
  }
  if (withHours) {
    const from = /^\d{2}:\d{2}$/.test(startTime) ? startTime : null;
    const to = /^\d{2}:\d{2}$/.test(endTime) ? endTime : null;
    if (!from || from >= "24:00") errors.start_time = "Give a time HH:MM between 00:00 and 23:59.";
    if (!to || to > "24:00") errors.end_time = "Give a time HH:MM between 00:00 and 24:00.";
    else if (from && to <= from) errors.end_time = "Must be after the start.";
  }
  if (form.reason.length > 200) errors.reason = "At most 200 characters.";
  const entry: TimeOff = {
    kind: form.kind,
    start_date: start,
    end_date: end || null,
    start_time: withHours ? startTime : null,
    end_time: withHours ? endTime : null,
    reason: form.reason.trim(),
  };
  return { entry, errors };
}
