// The slot a patient is about to book, kept in sessionStorage so it survives signing in, registering and the
// round trip to Google. It holds the hold's id (and, for a hold made before signing in, its claim token),
// what the slot is, when the hold ends, and the search it came from (to offer the next slot if it is lost).
import type { Slot } from "../../api/types";
import type { SlotQuery } from "../Search/slotQuery";

const KEY = "hospital.pending-hold";
const AFTER_SIGN_IN = "hospital.after-sign-in";

export type SlotSummary = Pick<
  Slot,
  | "doctor_id" | "doctor_name" | "start" | "end" | "duration_minutes" | "appointment_type" | "appointment_type_name"
  | "doctor_time_zone" | "clinic" | "location" | "languages" | "specialization"
>; // prettier-ignore

export interface PendingHold {
  id: string;
  /** Only for a hold made while signed out: proves it is ours when we confirm or release it. */
  claimToken?: string;
  expiresAt: string;
  slot: SlotSummary;
  search: SlotQuery;
  /** What the patient typed as the reason so far (kept across the sign-in). */
  reason?: string;
}

export function summaryOf(slot: SlotSummary): SlotSummary {
  const { doctor_id, doctor_name, start, end, duration_minutes, appointment_type, appointment_type_name } = slot;
  const { doctor_time_zone, clinic, location, languages, specialization } = slot;
  return {
    doctor_id, doctor_name, start, end, duration_minutes, appointment_type, appointment_type_name,
    doctor_time_zone, clinic, location, languages, specialization,
  }; // prettier-ignore
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled: the booking still works within this page
  }
}

function isPendingHold(value: unknown): value is PendingHold {
  if (!value || typeof value !== "object") return false;
  const hold = value as Partial<PendingHold>;
  return (
    typeof hold.id === "string" &&
    typeof hold.expiresAt === "string" &&
    !!hold.slot &&
    typeof hold.slot.doctor_id === "string" &&
    typeof hold.slot.start === "string"
  );
}

export function readPendingHold(): PendingHold | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPendingHold(parsed) ? { ...parsed, search: parsed.search ?? {} } : null;
  } catch {
    return null;
  }
}

export function savePendingHold(hold: PendingHold): void {
  storage()?.setItem(KEY, JSON.stringify(hold));
}

export function clearPendingHold(): void {
  storage()?.removeItem(KEY);
}

/** Whether the hold still keeps the slot (by the clock of this browser). */
export function isHeld(hold: PendingHold, now = Date.now()): boolean {
  return Date.parse(hold.expiresAt) > now;
}

/** Where to go once a sign-in that leaves the app (Google) comes back; read once. */
export function rememberAfterSignIn(path: string): void {
  storage()?.setItem(AFTER_SIGN_IN, path);
}

export function takeAfterSignIn(): string | null {
  const store = storage();
  const path = store?.getItem(AFTER_SIGN_IN) ?? null;
  store?.removeItem(AFTER_SIGN_IN);
  return path;
}
