import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Appointment } from "../../api/types";
import { Agenda } from "./Agenda";
import { agendaDays, distinctPatients, weekRange } from "./agenda";

const NOW = new Date("2026-03-10T08:00:00Z"); // a Tuesday

function at(iso: string, patient: string, extra: Partial<Appointment> = {}): Appointment {
  const end = new Date(new Date(iso).getTime() + 20 * 60_000).toISOString();
  return { id: `${iso}-${patient}`, start: iso, end, patient_id: patient, status: "booked", reason: "Chest pain", duration_minutes: 20, ...extra };
}

describe("the agenda's days", () => {
  it("asks for midnight today to a week later", () => {
    const { from, to } = weekRange(new Date(2026, 2, 10, 15, 30));
    expect(from).toEqual(new Date(2026, 2, 10));
    expect(to).toEqual(new Date(2026, 2, 17));
  });

  it("puts today's first and the later ones by day, in start order, without superseded ones", () => {
    const items = [
      at("2026-03-12T09:00:00Z", "p2"),
      at("2026-03-10T13:00:00Z", "p1"),
      at("2026-03-10T09:00:00Z", "p2"),
      at("2026-03-10T10:00:00Z", "p3", { status: "rescheduled" }),
      at("2026-03-12T08:00:00Z", "p1"),
    ];
    const { today, later } = agendaDays(items, NOW, "UTC");
    expect(today.map((a) => a.start)).toEqual(["2026-03-10T09:00:00Z", "2026-03-10T13:00:00Z"]);
    expect(later).toHaveLength(1);
    expect(later[0]!.key).toBe("2026-03-12");
    expect(later[0]!.appointments.map((a) => a.patient_id)).toEqual(["p1", "p2"]);
    expect(distinctPatients(items)).toEqual(["p2", "p1", "p3"]);
  });
});

describe("the agenda page", () => {
  let patientCalls: string[];
  beforeEach(() => {
    Object.defineProperty(window, "location", { value: new URL("http://localhost/doctor"), configurable: true });
    vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
    patientCalls = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function api(items: Appointment[], patientAnswer: (id: string) => Promise<Response>) {
    const listed: URL[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = new URL((input as Request).url);
      const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
      if (url.pathname === "/api/v1/appointments") {
        listed.push(url);
        return json({ items, page: 1, page_size: 100, total: items.length });
      }
      if (url.pathname === "/api/v1/doctors/me") return json({ time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone });
      const id = url.pathname.split("/").pop()!;
      patientCalls.push(id);
      return patientAnswer(id);
    });
    return listed;
  }

  it("shows each patient's name once it is there (one request per distinct patient) and the reason", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const listed = api([at("2026-03-10T09:00:00Z", "p1"), at("2026-03-10T11:00:00Z", "p1", { reason: "" }), at("2026-03-11T09:00:00Z", "p2")], async (id) => {
      await gate;
      return new Response(JSON.stringify({ full_name: id === "p1" ? "Ada Lovelace" : "Bo Rhee" }), { headers: { "Content-Type": "application/json" } });
    });
    render(<Agenda />);

    expect(await screen.findAllByText("Patient")).toHaveLength(3);
    expect(screen.getAllByText("Chest pain")).toHaveLength(2);
    expect(screen.getByText("No reason given")).toBeInTheDocument();
    release();
    expect(await screen.findAllByText("Ada Lovelace")).toHaveLength(2);
    expect(screen.getByText("Bo Rhee")).toBeInTheDocument();
    expect(patientCalls.sort()).toEqual(["p1", "p2"]);
    expect(listed[0]!.searchParams.get("scope")).toBe("all");
    expect(listed[0]!.searchParams.get("from")).toBe(weekRange(NOW).from.toISOString());
    expect(listed[0]!.searchParams.get("to")).toBe(weekRange(NOW).to.toISOString());
  });

  it("says so when there is nothing today, refreshes every minute, and asks for a known patient only once", async () => {
    const listed = api([at("2026-03-13T09:00:00Z", "p1")], async () =>
      new Response(JSON.stringify({ full_name: "Ada Lovelace" }), { headers: { "Content-Type": "application/json" } }),
    );
    render(<Agenda />);
    expect(await screen.findByText("No appointments today")).toBeInTheDocument();
    await screen.findByText("Ada Lovelace");
    await vi.advanceTimersByTimeAsync(60_000);
    await waitFor(() => expect(listed).toHaveLength(2));
    expect(patientCalls).toEqual(["p1"]);
  });

  it("a patient whose profile cannot be read stays 'Patient'", async () => {
    api([at("2026-03-10T09:00:00Z", "p9")], async () =>
      new Response(JSON.stringify({ status: 404, title: "Not Found" }), { status: 404, headers: { "Content-Type": "application/problem+json" } }),
    );
    render(<Agenda />);
    await waitFor(() => expect(patientCalls).toEqual(["p9"]));
    expect(screen.getByText("Patient")).toBeInTheDocument();
  });
});
