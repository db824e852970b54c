import { afterEach, describe, expect, it, vi } from "vitest";

import { auth, ok, setCsrfToken } from "./client";
import { ApiError } from "./problem";

function answer(status: number, body: unknown, type = "application/json") {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

afterEach(() => setCsrfToken(""));

describe("the API client", () => {
  it("sends the CSRF token on unsafe methods only", async () => {
    const seen: Request[] = [];
    vi.stubGlobal("fetch", vi.fn(async (request: Request) => (seen.push(request), answer(204, undefined))));
    setCsrfToken("tok-123");
    await auth.POST("/api/v1/auth/logout");
    await auth.GET("/api/v1/auth/sessions").catch(() => undefined);
    expect(seen[0]!.headers.get("X-CSRF-Token")).toBe("tok-123");
    expect(seen[1]!.headers.get("X-CSRF-Token")).toBeNull();
  });

  it("throws ApiError with the problem for an error status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => answer(401, { status: 401, title: "Unauthorized", detail: "Sign in first." }, "application/problem+json")),
    );
    const failure = await ok(auth.GET("/api/v1/auth/me")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).problem.detail).toBe("Sign in first.");
  });

  it("turns a network failure into status 0", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const failure = await ok(auth.GET("/api/v1/auth/me")).catch((error: unknown) => error);
    expect((failure as ApiError).status).toBe(0);
  });
});
