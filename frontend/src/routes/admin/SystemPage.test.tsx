import { act, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { SystemStatus } from "../../components/Admin/adminApi";
import { stubApi } from "../../components/Admin/testing";
import SystemPage, { REFRESH_MS } from "./SystemPage";

const NOW = "2026-05-04T10:00:00+00:00";

function replica(n: number) {
  return {
    name: `appointment-${n}`,
    address: `127.0.0.1:51${n}4`,
    workers: 2,
    requests_last_minute: 120 * n,
    requests_per_second: 2 * n,
    latency_p50_ms: 4.2,
    latency_p95_ms: 18.5,
    started_at: "2026-05-04T09:00:00+00:00",
    last_seen_at: "2026-05-04T09:59:57+00:00",
  };
}

function report(replicas: number, doctorUp = true): SystemStatus {
  const up = (name: string) => ({ name, ready: true, response_time_ms: 3.1, status_code: 200, checks: { database: { status: "ok" } } });
  return {
    generated_at: NOW,
    answered_by: "appointment-1",
    all_ready: doctorUp,
    services: [
      up("auth"),
      up("patient"),
      doctorUp
        ? up("doctor")
        : {
            name: "doctor",
            ready: false,
            response_time_ms: 1000,
            status_code: 503,
            checks: { database: { status: "unavailable", detail: "connection refused" } },
            detail: "database: connection refused",
          },
      up("appointment"),
    ],
    replicas: { count: replicas, window_seconds: 60, items: Array.from({ length: replicas }, (_, i) => replica(i + 1)) },
    bookings_today: { day: "2026-05-04", from: "2026-05-04T00:00:00+00:00", to: "2026-05-05T00:00:00+00:00", created_today: 17, starting_today: 9 },
  };
}

afterEach(() => vi.useRealTimers());

describe("the system page", () => {
  it("says in words which services are up and which are down", async () => {
    stubApi({ "GET /api/v1/system": { status: 200, body: report(2, false) } });
    render(<SystemPage />);

    const doctor = await screen.findByTestId("service-doctor");
    expect(within(doctor).getByText("Down")).toBeInTheDocument();
    expect(doctor).toHaveTextContent("database: connection refused");
    expect(doctor).toHaveTextContent("HTTP 503");
    for (const name of ["auth", "patient", "appointment"]) {
      expect(within(screen.getByTestId(`service-${name}`)).getByText("Up")).toBeInTheDocument();
    }
    expect(screen.getByRole("alert")).toHaveTextContent("1 service is down");
    expect(screen.getByRole("alert")).toHaveTextContent("Doctor service");
  });

  it("shows every replica with its rate and latency, and today's bookings", async () => {
    stubApi({ "GET /api/v1/system": { status: 200, body: report(2) } });
    render(<SystemPage />);

    expect(await screen.findByTestId("replica-count")).toHaveTextContent("2");
    expect(screen.getByText("All 4 services are up")).toBeInTheDocument();
    const rows = screen.getAllByTestId("replica-row");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent("appointment-2");
    expect(rows[1]).toHaveTextContent("4.0"); // requests per second
    expect(rows[1]).toHaveTextContent("4.2 ms");
    expect(rows[1]).toHaveTextContent("19 ms");
    expect(rows[1]).toHaveTextContent("3 s ago");
    expect(screen.getByTestId("bookings-created")).toHaveTextContent("17");
  });

  it("refreshes by itself every 5 seconds", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = stubApi({ "GET /api/v1/system": [{ status: 200, body: report(1) }, { status: 200, body: report(3) }] });
    render(<SystemPage />);
    expect(await screen.findByTestId("replica-count")).toHaveTextContent("1");

    await act(async () => {
      await vi.advanceTimersByTimeAsync(REFRESH_MS);
    });
    expect(await screen.findByText("3", { selector: "[data-testid=replica-count]" })).toBeInTheDocument();
    expect(screen.getAllByTestId("replica-row")).toHaveLength(3);
    expect(calls.length).toBe(2);
  });

  it("keeps the last report when a refresh fails, and says so", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    stubApi({ "GET /api/v1/system": [{ status: 200, body: report(2) }, { status: 502, body: { status: 502, title: "Bad Gateway" } }] });
    render(<SystemPage />);
    expect(await screen.findByTestId("replica-count")).toHaveTextContent("2");

    await act(async () => {
      await vi.advanceTimersByTimeAsync(REFRESH_MS);
    });
    expect(await screen.findByText(/Could not refresh/)).toBeInTheDocument();
    expect(screen.getByTestId("replica-count")).toHaveTextContent("2");
  });

  it("tells a non-admin that the page is for administrators", async () => {
    stubApi({ "GET /api/v1/system": { status: 403, body: { status: 403, title: "Forbidden", detail: "Admins only." } } });
    render(<SystemPage />);
    expect(await screen.findByText("This page is for administrators")).toBeInTheDocument();
    expect(screen.queryByTestId("replica-count")).not.toBeInTheDocument();
  });

  it("says when the replicas could not be listed", async () => {
    const broken = { ...report(0), replicas: { count: null, window_seconds: 60, items: [], detail: "The replica registry (Redis) could not be read: refused" } };
    stubApi({ "GET /api/v1/system": { status: 200, body: broken } });
    render(<SystemPage />);
    expect(await screen.findByText("The replicas could not be listed")).toBeInTheDocument();
    expect(screen.getByText(/Redis\) could not be read/)).toBeInTheDocument();
  });
});
