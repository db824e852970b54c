// The admin area's calls and types beyond the shared short names: GET /api/v1/system (Appointment-MS) and
// PATCH /api/v1/auth/users/{id} (Auth-MS), typed from the generated OpenAPI documents.
import { appointments, auth, ok } from "../../api/client";
import type { components as AppointmentComponents } from "../../api/generated/appointment";
import { ApiError } from "../../api/problem";
import type { Role, User } from "../../api/types";

type Schemas = AppointmentComponents["schemas"];
export type SystemStatus = Schemas["SystemStatus"];
export type ServiceHealth = Schemas["ServiceHealth"];
export type Replica = Schemas["Replica"];
export type ReplicaReport = Schemas["ReplicaReport"];
export type BookingsToday = Schemas["BookingsToday"];

/** Each service's readiness, the Appointment-MS replicas and today's bookings (admins only). */
export function fetchSystemStatus(): Promise<SystemStatus> {
  return ok(appointments.GET("/api/v1/system"));
}

/** Give an account another role (Auth-MS refuses your own role and demoting the last admin). */
export function changeRole(userId: string, role: Role): Promise<User> {
  return ok(auth.PATCH("/api/v1/auth/users/{user_id}", { params: { path: { user_id: userId } }, body: { role } }));
}

/** The signed-in account is not an admin (any more): the server said 403. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export const ROLES: Role[] = ["patient", "doctor", "admin"];

export const ROLE_NAMES: Record<Role, string> = { patient: "Patient", doctor: "Doctor", admin: "Admin" };
