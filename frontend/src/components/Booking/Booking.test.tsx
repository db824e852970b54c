import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { setCsrfToken } from "../../api/client";
import type { Slot } from "../../api/types";
import { SessionProvider } from "../../hooks/useSession";
import { FindSlots } from "../Search/FindSlots";
import { readPendingHold } from "./pendingHold";

function answer(status: number, body: unknown) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

function slot(start: string, doctorId: string, name: string): Slot {
  return {
    doctor_id: doctorId, doctor_name: name, start, end: start, doctor_time_zone: "Europe/Berlin",
    duration_minutes: 30, appointment_type: "cardiology", appointment_type_name: "Cardiology",
    clinic: "Charité Campus Mitte", location: "Berlin", languages: ["de", "en"], specialization: "cardiology",
    rank_reason: "earliest free cardiology slot; Dr. A is 10% booked this week",
  }; // prettier-ignore
}

const FIRST = slot("2030-03-04T08:00:00Z", "11111111-1111-1111-1111-111111111111", "Dr. Anna First");
const SECOND = slot("2030-03-04T09:30:00Z", "22222222-2222-2222-2222-222222222222", "Dr. Ben Second");

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function serve({ firstTaken }: { firstTaken: boolean }) {
  const calls: Call[] = [];
  let taken = false;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      const body = request.method === "POST" ? await request.clone().json() : undefined;
      calls.push({ method: request.method, path: url.pathname, body });
      const route = `${request.method} ${url.pathname}`;
      if (route === "GET /api/v1/auth/me")
        return answer(200, { id: "p1", role: "patient", full_name: "Pat", email: "p@example.org", csrf_token: "csrf-1" });
      if (route === "GET /api/v1/doctors/specializations")
        return answer(200, { items: [{ slug: "cardiology", name: "Cardiology", default_duration_minutes: 30 }] });
      if (route === "GET /api/v1/doctors") return answer(200, { items: [], page: 1, page_size: 100, total: 0 });
      if (route === "GET /api/v1/slots/next") return answer(200, taken ? SECOND : FIRST);
      if (route === "GET /api/v1/slots") return answer(200, { items: taken ? [SECOND] : [FIRST, SECOND] });
      if (route === "POST /api/v1/appointments/holds") {
        const wanted = body as { start: string };
        if (firstTaken && wanted.start === FIRST.start) {
          taken = true;
          return answer(409, { status: 409, title: "Conflict", detail: "This slot was just taken." });
        }
        return answer(201, { id: "hold-2", status: "held", start: wanted.start, hold_expires_at: "2030-03-04T07:05:00Z" });
      }
      return answer(404, { status: 404, title: "Not Found" });
    }),
  );
  return calls;
}

function renderFinder() {
  return render(
    <SessionProvider>
      <MemoryRouter initialEntries={["/find?specialization=cardiology"]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path="/find" element={<FindSlots />} />
          <Route path="/book" element={<p>The confirmation page</p>} />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
}

describe("booking a slot someone else just took", () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => setCsrfToken(""));

  it("says so kindly and offers the next free slot, which one click holds", async () => {
    const calls = serve({ firstTaken: true });
    const user = userEvent.setup();
    renderFinder();

    const card = await screen.findByTestId("next-slot");
    expect(card).toHaveAttribute("data-start", FIRST.start);
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/auth/me")).toBe(true));
    await user.click(within(card).getByRole("button", { name: /^Book/ }));

    const notice = await screen.findByTestId("slot-taken");
    expect(notice).toHaveTextContent("Someone else just booked that time");
    expect(notice).toHaveTextContent("Dr. Anna First");
    expect(notice).toHaveTextContent("nothing was booked for you");
    expect(notice).toHaveTextContent("Dr. Ben Second"); // the next free slot is offered
    expect(readPendingHold()).toBeNull();

    await user.click(within(notice).getByRole("button", { name: "Book this time instead" }));

    expect(await screen.findByText("The confirmation page")).toBeInTheDocument();
    const holds = calls.filter((c) => c.method === "POST" && c.path === "/api/v1/appointments/holds");
    expect(holds.map((c) => (c.body as { start: string }).start)).toEqual([FIRST.start, SECOND.start]);
    expect(readPendingHold()).toMatchObject({ id: "hold-2", slot: { doctor_name: "Dr. Ben Second", start: SECOND.start } });
  });

  it("goes straight to the confirmation when the slot is still free", async () => {
    serve({ firstTaken: false });
    const user = userEvent.setup();
    renderFinder();
    const card = await screen.findByTestId("next-slot");
    await waitFor(() => expect(readPendingHold()).toBeNull());
    await user.click(within(card).getByRole("button", { name: /^Book/ }));
    expect(await screen.findByText("The confirmation page")).toBeInTheDocument();
    expect(screen.queryByTestId("slot-taken")).not.toBeInTheDocument();
    expect(readPendingHold()).toMatchObject({ id: "hold-2", slot: { start: FIRST.start }, search: { specialization: "cardiology" } });
  });
});
