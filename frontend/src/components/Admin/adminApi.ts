// The admin area's calls that the shared clients do not type yet: GET /api/v1/system (Appointment-MS) and
// PATCH /api/v1/auth/users/{id} (Auth-MS), both being added to their services now. The shapes below follow
// the contracts (services/appointment/.../http/schemas.py SystemStatusSchema; body {role}). When the
// regenerated types in src/api/generated/ carry them, these local declarations go and the generated ones
// are used instead. The calls go through the shared clients, so CSRF and problem+json work as everywhere.
import type { Client } from "openapi-fetch";

import { appointments, auth, ok } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Role, User } from "../../api/types";

export interface ServiceHealth {
  name: string;
  ready: boolean;
  response_time_ms: number;
  status_code?: number | null;
  checks?: Record<string, unknown>;
  detail?: string | null;
}

export interface Replica {
  name: string;
  address: string;
  workers: number;
  requests_last_minute: number;
  requests_per_second: number;
  latency_p50_ms?: number | null;
  latency_p95_ms?: number | null;
  started_at: string;
  last_seen_at: string;
}

export interface ReplicaReport {
  count?: number | null;
  window_seconds: number;
  items: Replica[];
  detail?: string | null;
}

export interface BookingsToday {
  day: string;
  from: string;
  to: string;
  created_today?: number | null;
  starting_today?: number | null;
  detail?: string | null;
}

export interface SystemStatus {
  generated_at: string;
  answered_by: string;
  all_ready: boolean;
  services: ServiceHealth[];
  replicas: ReplicaReport;
  bookings_today: BookingsToday;
}

interface NoParameters {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}

interface JsonAnswer<T> {
  headers: { [name: string]: unknown };
  content: { "application/json": T };
}

interface SystemPaths {
  "/api/v1/system": {
    parameters: NoParameters;
    get: { parameters: NoParameters; requestBody?: never; responses: { 200: JsonAnswer<SystemStatus> } };
  };
}

interface RolePaths {
  "/api/v1/auth/users/{user_id}": {
    parameters: { query?: never; header?: never; path: { user_id: string }; cookie?: never };
    patch: {
      parameters: { query?: never; header?: never; path: { user_id: string }; cookie?: never };
      requestBody: { content: { "application/json": { role: Role } } };
      responses: { 200: JsonAnswer<User> };
    };
  };
}

// The same client objects (same middleware), seen through the contract's types.
const systemClient = appointments as unknown as Client<SystemPaths>;
const roleClient = auth as unknown as Client<RolePaths>;

/** Each service's readiness, the Appointment-MS replicas and today's bookings (admins only). */
export function fetchSystemStatus(): Promise<SystemStatus> {
  return ok(systemClient.GET("/api/v1/system"));
}

/** Give an account another role (Auth-MS refuses your own role and demoting the last admin). */
export function changeRole(userId: string, role: Role): Promise<User> {
  return ok(roleClient.PATCH("/api/v1/auth/users/{user_id}", { params: { path: { user_id: userId } }, body: { role } }));
}

/** The signed-in account is not an admin (any more): the server said 403. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export const ROLES: Role[] = ["patient", "doctor", "admin"];

export const ROLE_NAMES: Record<Role, string> = { patient: "Patient", doctor: "Doctor", admin: "Admin" };
