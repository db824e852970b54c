// Slots as a patient scans them: one group per calendar day in the viewer's time zone, earliest first.
import type { Slot } from "../../api/types";
import { dayKey, formatDay, formatWithDoctorTime, viewerTimeZone } from "../../lib/time";

export interface SlotDay {
  /** YYYY-MM-DD in the viewer's time zone. */
  key: string;
  /** "Today", "Tomorrow" or "Tue 1 Dec". */
  label: string;
  slots: Slot[];
}

/** A key that tells slots apart: the same doctor cannot start twice at one instant. */
export function slotKey(slot: Pick<Slot, "doctor_id" | "start">): string {
  return `${slot.doctor_id}@${new Date(slot.start).toISOString()}`;
}

function dayLabel(key: string, start: string, timeZone: string, now: Date): string {
  const today = dayKey(now.toISOString(), timeZone);
  const tomorrow = dayKey(new Date(now.getTime() + 86_400_000).toISOString(), timeZone);
  if (key === today) return `Today, ${formatDay(start, timeZone)}`;
  if (key === tomorrow) return `Tomorrow, ${formatDay(start, timeZone)}`;
  return formatDay(start, timeZone);
}

/** Group by the viewer's calendar day; days and the slots within a day go earliest first, duplicates once. */
export function groupSlotsByDay(slots: readonly Slot[], timeZone = viewerTimeZone(), now = new Date()): SlotDay[] {
  const seen = new Set<string>();
  const days = new Map<string, Slot[]>();
  for (const slot of slots) {
    const id = slotKey(slot);
    if (seen.has(id)) continue;
    seen.add(id);
    const key = dayKey(slot.start, timeZone);
    const day = days.get(key);
    if (day) day.push(slot);
    else days.set(key, [slot]);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      // A stable sort keeps the finder's order (the less booked doctor first) for equal starts.
      const sorted = [...list].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      return { key, label: dayLabel(key, sorted[0]!.start, timeZone, now), slots: sorted };
    });
}

/** The finder's reason in sentences: "earliest free slot; less booked" -> "Earliest free slot. Less booked." */
export function plainReason(reason: string): string {
  return reason
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1) + (/[.!?]$/.test(part) ? "" : "."))
    .join(" ");
}

/** "Today" or "Tomorrow" for an instant in the viewer's time zone, else "". */
export function relativeDay(iso: string, timeZone = viewerTimeZone(), now = new Date()): string {
  const key = dayKey(iso, timeZone);
  if (key === dayKey(now.toISOString(), timeZone)) return "Today";
  if (key === dayKey(new Date(now.getTime() + 86_400_000).toISOString(), timeZone)) return "Tomorrow";
  return "";
}

/** "Today, Tue 1 Dec, 14:20", with the doctor's local time when their clock differs. */
export function formatWhen(iso: string, doctorTimeZone: string): string {
  const relative = relativeDay(iso);
  const when = formatWithDoctorTime(iso, doctorTimeZone);
  return relative ? `${relative}, ${when}` : when;
}
