import { describe, expect, it } from "vitest";

import { ApiError, fieldMessages, plainMessage, problemFrom } from "./problem";

describe("plainMessage", () => {
  it("uses the server's detail for a client error", () => {
    const error = new ApiError({ status: 409, detail: "This slot was just taken." });
    expect(plainMessage(error)).toBe("This slot was just taken.");
  });

  it("never shows a server error's internals", () => {
    const error = new ApiError({ status: 500, detail: "psycopg2.OperationalError at line 3" });
    expect(plainMessage(error)).toBe("Something went wrong on our side. Please try again in a moment.");
  });

  it("says the network failed when there is no answer at all", () => {
    expect(plainMessage(new TypeError("Failed to fetch"))).toMatch(/could not reach/);
  });
});

describe("problemFrom", () => {
  it("reads problem+json and keeps field errors in their path style", async () => {
    const response = new Response(
      JSON.stringify({ status: 422, title: "Unprocessable", errors: { "weekly.monday[0].end": ["after start"] } }),
      { status: 422, headers: { "Content-Type": "application/problem+json" } },
    );
    const error = new ApiError(await problemFrom(response));
    expect(error.status).toBe(422);
    expect(fieldMessages(error)).toEqual({ "weekly.monday[0].end": "after start" });
  });

  it("survives an HTML error page from a proxy", async () => {
    const response = new Response("<html>bad gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } });
    expect(await problemFrom(response)).toMatchObject({ status: 502 });
  });
});
