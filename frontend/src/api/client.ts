// Typed clients for the four services, generated from their OpenAPI documents (src/api/generated/, made by
// `make api-types`). Every call goes through the gateway on the same origin with the session cookie; unsafe
// methods carry the CSRF token the session gave us. A failed call throws ApiError with the problem+json.

import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths as AppointmentPaths } from "./generated/appointment";
import type { paths as AuthPaths } from "./generated/auth";
import type { paths as DoctorPaths } from "./generated/doctor";
import type { paths as PatientPaths } from "./generated/patient";
import { ApiError, problemFrom } from "./problem";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let csrfToken = "";

/** The session's CSRF token (from login, register or GET /auth/me); empty when signed out. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const sessionHeaders: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken) request.headers.set("X-CSRF-Token", csrfToken);
    return request;
  },
  async onResponse({ response }) {
    if (!response.ok) throw new ApiError(await problemFrom(response));
    return response;
  },
  onError({ error }) {
    // fetch itself failed (offline, connection refused): status 0 means "not reached"
    if (error instanceof ApiError) return error;
    return new ApiError({ status: 0, title: "Network error", detail: "" });
  },
};

function client<Paths extends {}>(): Client<Paths> {
  // Absolute on the page's own origin (a relative URL cannot make a Request outside a browser, as in tests).
  const made = createClient<Paths>({
    baseUrl: globalThis.location?.origin ?? "",
    credentials: "same-origin",
    fetch: (request) => globalThis.fetch(request), // looked up per call, so tests can stub it
  });
  made.use(sessionHeaders);
  return made;
}

export const auth = client<AuthPaths>();
export const patients = client<PatientPaths>();
export const doctors = client<DoctorPaths>();
export const appointments = client<AppointmentPaths>();

/**
 * The data of a successful call. The middleware has already thrown for any error status, so `data`
 * is there for every 2xx with a body; for a 204 this returns undefined.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}

export type { AppointmentPaths, AuthPaths, DoctorPaths, PatientPaths };
