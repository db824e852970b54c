// Holding a slot and turning the hold into a booking, signed in or not.
//
// POST /api/v1/slots/holds (no session) and POST /api/v1/slots/holds/{id}/release are newer than the generated
// types in src/api/generated/appointment.ts, so they are typed here; once the types are regenerated these
// declarations can go and `appointments` is used directly.
import type { Client } from "openapi-fetch";

import { appointments, ok } from "../../api/client";
import type { Appointment } from "../../api/types";
import { type PendingHold, type SlotSummary, summaryOf } from "./pendingHold";
import type { SlotQuery } from "../Search/slotQuery";

interface NewHold {
  doctor_id: string;
  start: string;
  appointment_type?: string;
  duration_minutes?: number;
}

export interface AnonymousHold {
  id: string;
  doctor_id: string;
  start: string;
  end: string;
  duration_minutes: number;
  appointment_type: string;
  specialization?: string;
  status: "held";
  hold_expires_at: string;
  claim_token: string;
}

type Json<T> = { content: { "application/json": T } };
type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };
type HoldPath = { query?: never; header?: never; path: { hold_id: string }; cookie?: never };

interface AnonymousHoldPaths {
  "/api/v1/slots/holds": {
    parameters: NoParameters;
    post: {
      parameters: { query?: never; header?: { "Idempotency-Key"?: string }; path?: never; cookie?: never };
      requestBody: Json<NewHold>;
      responses: { 201: { headers: Record<string, unknown> } & Json<AnonymousHold> };
    };
  };
  "/api/v1/slots/holds/{hold_id}/release": {
    parameters: HoldPath;
    post: {
      parameters: HoldPath;
      requestBody: Json<{ claim_token: string }>;
      responses: { 204: { headers: Record<string, unknown>; content?: never } };
    };
  };
}

// The same client instance (same middleware: CSRF header, problem+json errors), seen with the newer paths.
const slotHolds = appointments as unknown as Client<AnonymousHoldPaths>;

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
  const headers = { "Idempotency-Key": idempotencyKey() };
  if (signedIn) {
    const held = await ok(
      appointments.POST("/api/v1/appointments/holds", { body: { ...newHold(slot), reason: "" }, params: { header: headers } }),
    );
    return { id: held.id!, expiresAt: held.hold_expires_at ?? slot.start, slot: summaryOf(slot), search };
  }
  const held = await ok(slotHolds.POST("/api/v1/slots/holds", { body: newHold(slot), params: { header: headers } }));
  return { id: held.id, claimToken: held.claim_token, expiresAt: held.hold_expires_at, slot: summaryOf(slot), search };
}

/** Turn the hold into a booking (the claim token makes an anonymous hold the signed-in patient's). */
export async function confirmHold(hold: PendingHold, reason: string): Promise<Appointment> {
  const body: { reason?: string; claim_token?: string } = { reason: reason.trim() };
  if (hold.claimToken) body.claim_token = hold.claimToken;
  return ok(
    appointments.POST("/api/v1/appointments/holds/{hold_id}/confirm", { params: { path: { hold_id: hold.id } }, body }),
  );
}

/** Give the held slot back, so others can have it at once. */
export async function releaseHold(hold: PendingHold): Promise<void> {
  if (hold.claimToken) {
    await slotHolds.POST("/api/v1/slots/holds/{hold_id}/release", {
      params: { path: { hold_id: hold.id } },
      body: { claim_token: hold.claimToken },
    });
  } else {
    await appointments.DELETE("/api/v1/appointments/holds/{hold_id}", { params: { path: { hold_id: hold.id } } });
  }
}
