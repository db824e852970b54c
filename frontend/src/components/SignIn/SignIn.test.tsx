import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { destination, googleErrorMessage, safeNext } from "./destinations";
import { useUrlToken } from "./useUrlToken";

describe("where a sign-in leads", () => {
  it("goes back to a path of this app, and nowhere else", () => {
    expect(safeNext("/book")).toBe("/book");
    expect(safeNext("/find?specialization=cardiology")).toBe("/find?specialization=cardiology");
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", null]) {
      expect(safeNext(bad)).toBeNull();
    }
  });

  it("defaults to the home of the account's role", () => {
    expect(destination(null, "patient")).toBe("/");
    expect(destination(null, "doctor")).toBe("/doctor");
    expect(destination(null, "admin")).toBe("/admin");
    expect(destination("/appointments", "doctor")).toBe("/appointments");
  });

  it("says a refused Google sign-in in plain words, known reason or not", () => {
    expect(googleErrorMessage("state_invalid")).toMatch(/try again/);
    expect(googleErrorMessage("something_new")).toMatch(/did not work/);
  });
});

function ShowToken() {
  return <p>token is {useUrlToken()}</p>;
}

describe("a token from a mailed link", () => {
  it("is read, then removed from the address bar (other parameters stay)", () => {
    window.history.replaceState(null, "", "/reset-password?token=s3cret&lang=en");
    render(<ShowToken />);
    expect(screen.getByText("token is s3cret")).toBeInTheDocument();
    expect(window.location.search).toBe("?lang=en");
    expect(window.location.pathname).toBe("/reset-password");
  });

  it("is read from the fragment (#token=, never sent to a server), then removed from it", () => {
    window.history.replaceState(null, "", "/set-password?lang=en#token=fr4gment");
    render(<ShowToken />);
    expect(screen.getByText("token is fr4gment")).toBeInTheDocument();
    expect(window.location.hash).toBe("");
    expect(window.location.search).toBe("?lang=en");
    expect(window.location.href).not.toContain("fr4gment");
  });
});
