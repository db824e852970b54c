import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { SessionProvider } from "../../hooks/useSession";
import { LinkedAccounts, linkReturnMessage } from "./LinkedAccounts";

const ME = { id: "u1", email: "root@example.org", role: "admin", full_name: "Root", email_verified: true, csrf_token: "c1" };
const LINK = { id: "l1", provider: "Google", issuer: "https://accounts.google.com", email_at_link: "root@gmail.test", linked_at: "2026-03-02T09:00:00+00:00" };

function json(body: unknown, status = 200, type = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

function api(answers: { links: () => unknown[]; start?: () => Response }) {
  const calls: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const request = input as Request;
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}`);
    if (url.pathname === "/api/v1/auth/me") return json(ME);
    if (url.pathname === "/api/v1/auth/links") {
      const items = answers.links();
      return json({ items, page: 1, page_size: 1, total: items.length });
    }
    if (url.pathname === "/api/v1/auth/links/l1" && request.method === "DELETE") return new Response(null, { status: 204 });
    if (url.pathname === "/api/v1/auth/oauth/google/link/start" && answers.start) return answers.start();
    return json({}, 404);
  });
  return calls;
}

function show(path = "/account") {
  render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <LinkedAccounts />
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe("linked sign-ins", () => {
  afterEach(() => vi.restoreAllMocks());

  it("lists a linked Google account and removes it", async () => {
    let links = [LINK];
    const calls = api({ links: () => links });
    show();
    expect(await screen.findByText("root@gmail.test")).toBeInTheDocument();
    links = [];
    fireEvent.click(screen.getByRole("button", { name: /Remove the Google sign-in/ }));
    expect(await screen.findByText(/no longer opens this account/)).toBeInTheDocument();
    expect(await screen.findByText("No Google account is linked.")).toBeInTheDocument();
    expect(calls).toContain("DELETE /api/v1/auth/links/l1");
  });

  it("asks for the password again and keeps it when it is wrong", async () => {
    const refusal = { type: "about:blank", title: "Bad Request", status: 400, detail: "The password is not right.", errors: { password: ["wrong password"] } };
    api({ links: () => [], start: () => json(refusal, 400, "application/problem+json") });
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Link a Google account" }));
    fireEvent.change(screen.getByLabelText("Your password"), { target: { value: "not it" } });
    fireEvent.click(screen.getByRole("button", { name: "Continue to Google" }));
    expect(await screen.findByText("That is not your password.")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText("Your password")).toHaveValue("not it"));
  });

  it("says what the return from Google means", () => {
    expect(linkReturnMessage("?link=linked")?.tone).toBe("success");
    expect(linkReturnMessage("?link_error=identity_taken")?.text).toMatch(/another hospital account/);
    expect(linkReturnMessage("?link_error=whatever")?.text).toMatch(/Nothing was linked/);
    expect(linkReturnMessage("")).toBeNull();
  });

  it("shows the return from Google on the page", async () => {
    api({ links: () => [LINK] });
    show("/account?link=linked");
    expect(await screen.findByText(/Google is linked/)).toBeInTheDocument();
  });
});
