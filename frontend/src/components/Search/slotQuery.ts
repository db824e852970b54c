// What the patient is looking for, as it stands in the address bar of /find (so back and reload keep it).
import { appointments, ok } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Slot } from "../../api/types";
import { slotKey } from "./slotDays";

export type TimeOfDay = "morning" | "afternoon" | "evening";
export const TIMES_OF_DAY: { value: TimeOfDay; label: string; hint: string }[] = [
  { value: "morning", label: "Morning", hint: "before 12:00" },
  { value: "afternoon", label: "Afternoon", hint: "12:00 to 17:00" },
  { value: "evening", label: "Evening", hint: "after 17:00" },
];

export interface SlotQuery {
  specialization?: string;
  doctor_id?: string;
  time_of_day?: TimeOfDay;
  appointment_type?: string;
  duration_minutes?: number;
  language?: string;
}


const PARAMS: [keyof SlotQuery, string][] = [
  ["specialization", "specialization"],
  ["doctor_id", "doctor"],
  ["time_of_day", "time"],
  ["appointment_type", "type"],
  ["duration_minutes", "length"],
  ["language", "language"],
];

export function queryFromParams(params: URLSearchParams): SlotQuery {
  const query: SlotQuery = {};
  for (const [field, name] of PARAMS) {
    const value = params.get(name);
    if (value) (query as Record<string, string | number>)[field] = field === "duration_minutes" ? Number(value) : value;
  }
  const minutes = query.duration_minutes;
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 5 && minutes <= 480)) delete query.duration_minutes;
  if (query.time_of_day && !TIMES_OF_DAY.some((t) => t.value === query.time_of_day)) delete query.time_of_day;
  return query;
}

export function paramsFromQuery(query: SlotQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [field, name] of PARAMS) {
    const value = query[field];
    if (value) params.set(name, String(value));
  }
  return params;
}

/** The /find address of a search. */
export function findUrl(query: SlotQuery): string {
  return `/find?${paramsFromQuery(query).toString()}`;
}

/** The single best free slot of the search, or null when none is left. */
export async function nextSlot(query: SlotQuery): Promise<Slot | null> {
  try {
    return await ok(appointments.GET("/api/v1/slots/next", { params: { query } }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The best free slots of the search, best first. */
export async function freeSlots(query: SlotQuery, { limit = 60, from }: { limit?: number; from?: string } = {}): Promise<Slot[]> {
  const list = await ok(appointments.GET("/api/v1/slots", { params: { query: { ...query, limit, from } } }));
  return list.items;
}

/** The next free slot that is not `taken` (the finder drops a taken slot at once; this makes sure of it). */
export async function nextSlotBesides(query: SlotQuery, taken: Pick<Slot, "doctor_id" | "start"> | null): Promise<Slot | null> {
  const next = await nextSlot(query);
  if (!next || !taken || slotKey(next) !== slotKey(taken)) return next;
  const others = await freeSlots(query, { limit: 5 });
  return others.find((slot) => slotKey(slot) !== slotKey(taken)) ?? null;
}
