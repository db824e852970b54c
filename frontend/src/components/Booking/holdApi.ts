// Holding a slot and turning the hold into a booking, signed in or not: a signed-in patient holds through
// POST /api/v1/appointments/holds; someone not signed in yet through POST /api/v1/slots/holds, whose claim
// token later makes the hold theirs when they confirm it (or gives it back).
import { appointments, ok } from "../../api/client";
import type { components } from "../../api/generated/appointment";
import type { Appointment } from "../../api/types";
import { type PendingHold, type SlotSummary, summaryOf } from "./pendingHold";
import type { SlotQuery } from "../Search/slotQuery";

type ConfirmHold = components["schemas"]["ConfirmHold"];

interface NewHold {
  doctor_id: string;
  start: string;
  appointment_type?: string;
  duration_minutes?: number;
}

/** A fresh Idempotency-Key, so a retried request cannot hold twice. */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function newHold(slot: SlotSummary): NewHold {
  return { doctor_id: slot.doctor_id, start: slot.start, appointment_type: slot.appointment_type, duration_minutes: slot.duration_minutes };
}

/** Hold the slot for the signed-in patient, or anonymously (with a claim token) for someone not signed in yet. */
export async function holdSlot(slot: SlotSummary, { signedIn, search }: { signedIn: boolean; search: SlotQuery }): Promise<PendingHold> {
  if (signedIn) {
    const headers = { "Idempotency-Key": idempotencyKey() };
    const held = await ok(
      appointments.POST("/api/v1/appointments/holds", { body: { ...newHold(slot), reason: "" }, params: { header: headers } }),
    );
    return { id: held.id!, expiresAt: held.hold_expires_at ?? slot.start, slot: summaryOf(slot), search };
  }
  const held = await ok(appointments.POST("/api/v1/slots/holds", { body: newHold(slot) }));
  return { id: held.id!, claimToken: held.claim_token, expiresAt: held.hold_expires_at!, slot: summaryOf(slot), search };
}

/** Turn the hold into a booking (the claim token makes an anonymous hold the signed-in patient's). */
export async function confirmHold(hold: PendingHold, reason: string): Promise<Appointment> {
  const body: ConfirmHold = { reason: reason.trim() };
  if (hold.claimToken) body.claim_token = hold.claimToken;
  return ok(
    appointments.POST("/api/v1/appointments/holds/{hold_id}/confirm", { params: { path: { hold_id: hold.id } }, body }),
  );
}

/** Give the held slot back, so others can have it at once. */
export async function releaseHold(hold: PendingHold): Promise<void> {
  if (hold.claimToken) {
    await appointments.POST("/api/v1/slots/holds/{hold_id}/release", {
      params: { path: { hold_id: hold.id } },
      body: { claim_token: hold.claimToken },
    });
  } else {
    await appointments.DELETE("/api/v1/appointments/holds/{hold_id}", { params: { path: { hold_id: hold.id } } });
  }
}
