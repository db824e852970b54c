import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { setCsrfToken } from "../../api/client";
import { SessionProvider } from "../../hooks/useSession";
import { ConfirmBooking } from "./ConfirmBooking";
import { type PendingHold, readPendingHold, savePendingHold } from "./pendingHold";

function answer(status: number, body: unknown) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

const SLOT = {
  doctor_id: "11111111-1111-1111-1111-111111111111", doctor_name: "Dr. Anna First", start: "2030-03-04T08:00:00Z",
  end: "2030-03-04T08:30:00Z", duration_minutes: 30, appointment_type: "consultation", doctor_time_zone: "Europe/Berlin",
  specialization: "cardiology", clinic: "Charité", location: "Berlin", languages: ["de"],
}; // prettier-ignore
const NEXT = { ...SLOT, doctor_id: "22222222-2222-2222-2222-222222222222", doctor_name: "Dr. Ben Next", start: "2030-03-04T09:30:00Z", rank_reason: "" };

function anonymousHold(): PendingHold {
  return { id: "hold-1", claimToken: "claim-abc", expiresAt: new Date(Date.now() + 240_000).toISOString(), slot: SLOT, search: { specialization: "cardiology" } };
}

function serve({ signedIn, confirm }: { signedIn: boolean; confirm: number }) {
  const posts: { path: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      const route = `${request.method} ${url.pathname}`;
      if (request.method === "POST") posts.push({ path: url.pathname, body: await request.clone().json() });
      if (route === "GET /api/v1/auth/me")
        return signedIn ? answer(200, { id: "p1", role: "patient", full_name: "Pat", csrf_token: "c" }) : answer(401, { status: 401 });
      if (route === "GET /api/v1/doctors/specializations") return answer(200, { items: [{ slug: "cardiology", name: "Cardiology" }] });
      if (url.pathname.startsWith("/api/v1/doctors/")) return answer(200, { id: SLOT.doctor_id, full_name: SLOT.doctor_name, time_zone: "Europe/Berlin" });
      if (route === "GET /api/v1/slots/next") return answer(200, NEXT);
      if (route === "POST /api/v1/appointments/holds")
        return answer(201, { id: "hold-2", status: "held", start: NEXT.start, hold_expires_at: new Date(Date.now() + 300_000).toISOString() });
      if (route === "POST /api/v1/appointments/holds/hold-1/confirm")
        return confirm === 409 ? answer(409, { status: 409, detail: "The slot was just taken." }) : answer(200, { id: "appt-1", doctor_id: SLOT.doctor_id, start: SLOT.start });
      if (route === "POST /api/v1/appointments/holds/hold-2/confirm") return answer(200, { id: "appt-2", doctor_id: NEXT.doctor_id, start: NEXT.start });
      return answer(404, { status: 404 });
    }),
  );
  return posts;
}

function renderPage() {
  render(
    <SessionProvider>
      <MemoryRouter initialEntries={["/book"]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path="/book" element={<ConfirmBooking />} />
          <Route path="/booked/:id" element={<p>Booked page</p>} />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
}

describe("the booking confirmation", () => {
  beforeEach(() => {
    sessionStorage.clear();
    savePendingHold(anonymousHold());
  });
  afterEach(() => setCsrfToken(""));

  it("asks someone signed out to sign in or register while the countdown runs", async () => {
    serve({ signedIn: false, confirm: 200 });
    renderPage();
    expect(await screen.findByRole("heading", { name: "Sign in to confirm" })).toBeInTheDocument();
    expect(screen.getByRole("timer")).toHaveTextContent(/^(4 min 00 s|3 min 59 s)$/);
    expect(screen.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/register?next=/book");
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login?next=/book");
    expect(screen.queryByRole("button", { name: "Confirm booking" })).not.toBeInTheDocument();
  });

  it("confirms a hold made before signing in with its claim token and the reason", async () => {
    const posts = serve({ signedIn: true, confirm: 200 });
    const user = userEvent.setup();
    renderPage();
    await user.type(await screen.findByLabelText("Reason for the visit (optional)"), "Palpitations");
    await user.click(screen.getByRole("button", { name: "Confirm booking" }));
    expect(await screen.findByText("Booked page")).toBeInTheDocument();
    expect(posts).toContainEqual({ path: "/api/v1/appointments/holds/hold-1/confirm", body: { reason: "Palpitations", claim_token: "claim-abc" } });
    expect(readPendingHold()).toBeNull();
  });

  it("offers the next slot when the held one was lost, and one click books that one", async () => {
    const posts = serve({ signedIn: true, confirm: 409 });
    const user = userEvent.setup();
    renderPage();
    await user.type(await screen.findByLabelText("Reason for the visit (optional)"), "Palpitations");
    await user.click(screen.getByRole("button", { name: "Confirm booking" }));
    const notice = await screen.findByTestId("slot-taken");
    expect(notice).toHaveTextContent("Dr. Ben Next");
    await user.click(within(notice).getByRole("button", { name: /instead$/ }));
    expect(await screen.findByText("Booked page")).toBeInTheDocument();
    expect(posts.map((p) => p.path)).toEqual([
      "/api/v1/appointments/holds/hold-1/confirm",
      "/api/v1/appointments/holds",
      "/api/v1/appointments/holds/hold-2/confirm",
    ]);
    expect(posts[2]!.body).toEqual({ reason: "Palpitations" }); // the reason typed for the lost slot is kept
  });
});
