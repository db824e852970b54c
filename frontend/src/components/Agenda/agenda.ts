// The doctor's agenda as days: today, then the rest of the coming week, in the viewer's time zone.
import type { Appointment } from "../../api/types";
import { dayKey } from "../../lib/time";

export const DAYS_AHEAD = 7;
const ACTIVE = new Set(["held", "booked", "completed"]);

export function isActive(appointment: Appointment): boolean {
  return ACTIVE.has(appointment.status ?? "");
}

/** Midnight of the viewer's today, and the same a week later (the `from` and `to` of the agenda's query). */
export function weekRange(now: Date): { from: Date; to: Date } {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + DAYS_AHEAD);
  return { from, to };
}

export interface AgendaDay {
  key: string;
  appointments: Appointment[];
}

/** Today's appointments and the later days', each day in start order; superseded ones are left out. */
export function agendaDays(items: Appointment[], now: Date, timeZone?: string): { today: Appointment[]; later: AgendaDay[] } {
  const todayKey = dayKey(now.toISOString(), timeZone);
  const shown = items
    .filter((a) => a.start && a.status !== "rescheduled" && a.status !== "expired")
    .sort((a, b) => a.start!.localeCompare(b.start!));
  const byDay = new Map<string, Appointment[]>();
  for (const appointment of shown) {
    const key = dayKey(appointment.start!, timeZone);
    if (!byDay.has(key)) byDay.set(key, []);
    byDay.get(key)!.push(appointment);
  }
  const today = byDay.get(todayKey) ?? [];
  byDay.delete(todayKey);
  const later = [...byDay.entries()]
    .filter(([key]) => key > todayKey)
    .map(([key, appointments]) => ({ key, appointments }));
  return { today, later };
}

/** The distinct patients of a list, in order of first appearance. */
export function distinctPatients(items: Appointment[]): string[] {
  return [...new Set(items.map((a) => a.patient_id).filter((id): id is string => Boolean(id)))];
}
