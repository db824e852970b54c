import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Schedule } from "../../api/types";
import { ScheduleEditor } from "./ScheduleEditor";

const DOCTOR = {
  id: "0b8c1f9e-3a52-4c39-9d44-8d8b7a2f0a11",
  full_name: "Dr. Emma Fischer",
  time_zone: "Europe/Berlin",
  specializations: [{ slug: "cardiology", name: "Cardiology" }],
};

function schedule(version: number, changes: Partial<Schedule> = {}): Schedule {
  return {
    doctor_id: DOCTOR.id,
    version,
    time_zone: "Europe/Berlin",
    slot_step_minutes: 15,
    buffer_minutes: 0,
    minimum_notice_minutes: 60,
    booking_horizon_days: 60,
    weekly: { monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [], sunday: [] },
    appointment_types: [{ code: "cardiology", name: "Cardiology consultation", duration_minutes: 30 }],
    ...changes,
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type, ...headers } });
}

interface Sent {
  ifMatch: string | null;
  body: Record<string, unknown>;
}

/** A Doctor-MS of the test's own: GET answers `current`, each PUT is answered by the next of `puts`. */
function server(current: { schedule: Schedule }, puts: ((body: Record<string, unknown>) => Response)[]) {
  const sent: Sent[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    if (path === "/api/v1/doctors/me") return json(DOCTOR);
    if (path === "/api/v1/doctors/me/schedule" && request.method === "GET") {
      return json(current.schedule, 200, { ETag: `"${current.schedule.version}"` });
    }
    if (path === "/api/v1/doctors/me/schedule" && request.method === "PUT") {
      const body = (await request.json()) as Record<string, unknown>;
      sent.push({ ifMatch: request.headers.get("If-Match"), body });
      const answer = puts.shift();
      if (!answer) throw new Error("unexpected PUT");
      return answer(body);
    }
    throw new Error(`unexpected ${request.method} ${path}`);
  });
  return sent;
}

function renderEditor() {
  const router = createMemoryRouter([{ path: "/doctor/schedule", element: <ScheduleEditor /> }], {
    initialEntries: ["/doctor/schedule"],
  });
  return render(<RouterProvider router={router} />);
}

beforeEach(() => {
  Object.defineProperty(window, "location", { value: new URL("http://localhost/doctor/schedule"), configurable: true });
});
afterEach(() => vi.restoreAllMocks());

describe("the schedule editor", () => {
  it("fills Mon–Fri with the lunch-break template, sets 20-minute consultations, and saves once with If-Match", async () => {
    const current = { schedule: schedule(3) };
    const sent = server(current, [(body) => json({ ...body, doctor_id: DOCTOR.id, version: 4 }, 200, { ETag: '"4"' })]);
    const user = userEvent.setup();
    renderEditor();

    await user.click(await screen.findByRole("button", { name: /Full day with lunch break/ }));
    const length = screen.getByLabelText("Consultation length (minutes)");
    await user.clear(length);
    await user.type(length, "20");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save schedule" }));

    await screen.findByText(/Saved\. Patients can book/);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.ifMatch).toBe('"3"');
    const body = sent[0]!.body as { weekly: Record<string, unknown>; slot_step_minutes: number; appointment_types: unknown[] };
    expect(body).not.toHaveProperty("doctor_id");
    expect(body).not.toHaveProperty("version");
    expect(body.weekly.friday).toEqual([
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "17:00" },
    ]);
    expect(body.weekly.saturday).toEqual([]);
    expect(body.slot_step_minutes).toBe(20);
    expect(body.appointment_types).toEqual([{ code: "cardiology", name: "Cardiology consultation", duration_minutes: 20 }]);
  });

  it("after a 412 shows their version, keeps my edits, merges on request and saves with their ETag", async () => {
    const current = { schedule: schedule(3) };
    const sent = server(current, [
      () => {
        current.schedule = schedule(4, { weekly: { ...schedule(4).weekly, wednesday: [{ start: "07:00", end: "11:00" }] } });
        return json({ status: 412, title: "Precondition Failed", detail: "The schedule changed since you read it." }, 412);
      },
      (body) => json({ ...body, doctor_id: DOCTOR.id, version: 5 }, 200, { ETag: '"5"' }),
    ]);
    const user = userEvent.setup();
    renderEditor();

    await user.click(await screen.findByRole("button", { name: "Add hours on Monday" }));
    await user.type(screen.getByLabelText("Monday hours 1, from"), "8");
    await user.type(screen.getByLabelText("Monday hours 1, to"), "12");
    await user.click(screen.getByRole("button", { name: "Save schedule" }));

    const heading = await screen.findByText("This schedule was changed elsewhere");
    const notice = heading.closest("[role=alert]") as HTMLElement;
    expect(within(notice).getByText(/Wed 07:00–11:00/)).toBeInTheDocument();
    expect(within(notice).getByText("Wednesday: 07:00–11:00")).toBeInTheDocument(); // what they changed
    expect(within(notice).getByText("Monday: 08:00–12:00")).toBeInTheDocument(); // what I changed
    expect(screen.getByLabelText("Monday hours 1, from")).toHaveValue("08:00"); // mine, still there

    await user.click(screen.getByRole("button", { name: "Reload their changes and keep mine on top" }));
    expect(await screen.findByText("Their changes are loaded, with yours on top")).toBeInTheDocument();
    expect(screen.getByLabelText("Wednesday hours 1, from")).toHaveValue("07:00");
    await user.click(screen.getByRole("button", { name: "Save schedule" }));

    await screen.findByText(/Saved\. Patients can book/);
    expect(sent.map((s) => s.ifMatch)).toEqual(['"3"', '"4"']);
    const weekly = sent[1]!.body.weekly as Record<string, unknown>;
    expect(weekly.monday).toEqual([{ start: "08:00", end: "12:00" }]);
    expect(weekly.wednesday).toEqual([{ start: "07:00", end: "11:00" }]);
  });

  it("shows the server's field errors at the window they name, and keeps what was typed", async () => {
    const current = { schedule: schedule(3, { weekly: { monday: [{ start: "09:00", end: "12:00" }] } }) };
    server(current, [
      () =>
        json(
          {
            status: 422,
            title: "Unprocessable Entity",
            detail: "The schedule is not valid; nothing was changed.",
            errors: { "weekly.monday[1].end": ["Must be before the end of the clinic's opening hours."] },
          },
          422,
        ),
    ]);
    const user = userEvent.setup();
    renderEditor();

    await user.click(await screen.findByRole("button", { name: "Add hours on Monday" }));
    await user.type(screen.getByLabelText("Monday hours 2, from"), "13:00");
    await user.type(screen.getByLabelText("Monday hours 2, to"), "23:00");
    await user.click(screen.getByRole("button", { name: "Save schedule" }));

    const end = screen.getByLabelText("Monday hours 2, to");
    await waitFor(() => expect(end).toHaveAttribute("aria-invalid", "true"));
    expect(end).toHaveAccessibleDescription(/To: Must be before the end of the clinic's opening hours\./);
    expect(screen.getByLabelText("Monday hours 1, to")).not.toHaveAttribute("aria-invalid");
    expect(end).toHaveValue("23:00");
  });

  it("checks the rules before sending: overlapping hours are shown on the day and nothing is sent", async () => {
    const current = { schedule: schedule(3, { weekly: { tuesday: [{ start: "09:00", end: "12:00" }] } }) };
    const sent = server(current, []);
    const user = userEvent.setup();
    renderEditor();

    await user.click(await screen.findByRole("button", { name: "Add hours on Tuesday" }));
    await user.type(screen.getByLabelText("Tuesday hours 2, from"), "11");
    await user.type(screen.getByLabelText("Tuesday hours 2, to"), "14");
    await user.click(screen.getByRole("button", { name: "Save schedule" }));

    expect(await screen.findByText(/Tuesday: Windows overlap: 09:00-12:00 and 11:00-14:00\./)).toBeInTheDocument();
    expect(sent).toHaveLength(0);
  });
});
