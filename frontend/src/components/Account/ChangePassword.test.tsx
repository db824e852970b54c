import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { SessionProvider } from "../../hooks/useSession";
import { ChangePassword } from "./ChangePassword";

const ME = { id: "u1", email: "ann@example.org", role: "patient", full_name: "Ann", email_verified: true, csrf_token: "c1" };

function json(body: unknown, status = 200, type = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

function api(changeAnswer: () => Response) {
  const bodies: unknown[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const request = input as Request;
    const url = new URL(request.url);
    if (url.pathname === "/api/v1/auth/me") return json(ME);
    if (url.pathname === "/api/v1/auth/password/change") {
      bodies.push(await request.json());
      return changeAnswer();
    }
    return json({}, 404);
  });
  return bodies;
}

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("changing my password", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows the server's refusal beside the field and keeps everything typed", async () => {
    const refusal = {
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      detail: "The new password is not acceptable: This password is one of the most common passwords.",
      errors: { new_password: ["This password is one of the most common passwords."] },
    };
    const bodies = api(() => json(refusal, 422, "application/problem+json"));
    render(
      <SessionProvider>
        <ChangePassword />
      </SessionProvider>,
    );
    fill("Current password", "correct horse");
    fill("New password", "password123");
    fill("The new password again", "password123");
    fireEvent.click(screen.getByRole("button", { name: "Change my password" }));
    expect(await screen.findByText("This password is one of the most common passwords.")).toBeInTheDocument();
    expect(bodies).toEqual([{ current_password: "correct horse", new_password: "password123" }]);
    expect(screen.getByLabelText("Current password")).toHaveValue("correct horse");
    expect(screen.getByLabelText("New password")).toHaveValue("password123");
  });

  it("says the password is changed, clears the form and reports it", async () => {
    api(() => json({ ...ME, csrf_token: "c2" }));
    const changed = vi.fn();
    render(
      <SessionProvider>
        <ChangePassword onChanged={changed} />
      </SessionProvider>,
    );
    fill("Current password", "correct horse");
    fill("New password", "a calm blue heron");
    fill("The new password again", "a calm blue heron");
    fireEvent.click(screen.getByRole("button", { name: "Change my password" }));
    expect(await screen.findByText(/Your password is changed/)).toBeInTheDocument();
    await waitFor(() => expect(changed).toHaveBeenCalledOnce());
    expect(screen.getByLabelText("New password")).toHaveValue("");
  });

  it("asks for the current password before sending anything", async () => {
    const bodies = api(() => json(ME));
    render(
      <SessionProvider>
        <ChangePassword />
      </SessionProvider>,
    );
    fill("New password", "a calm blue heron");
    fill("The new password again", "a calm blue heron");
    fireEvent.click(screen.getByRole("button", { name: "Change my password" }));
    expect(await screen.findByText("Enter your current password.")).toBeInTheDocument();
    expect(bodies).toEqual([]);
  });
});
