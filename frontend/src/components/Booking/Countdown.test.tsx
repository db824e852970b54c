import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { Countdown } from "./Countdown";

describe("the hold countdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-03-02T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("counts down every second and says when it has run out, once", () => {
    const onExpire = vi.fn();
    render(<Countdown until="2026-03-02T10:01:05Z" onExpire={onExpire} />);
    expect(screen.getByRole("timer")).toHaveTextContent("1 min 05 s");

    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByRole("timer")).toHaveTextContent("1 min 04 s");

    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByRole("timer")).toHaveTextContent("54 s");
    expect(screen.getByText("Less than a minute left.")).toBeInTheDocument();
    expect(onExpire).not.toHaveBeenCalled();

    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.queryByRole("timer")).not.toBeInTheDocument();
    expect(screen.getByText("The time we held for you has run out.")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(5_000));
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it("shows an ended hold as ended at once", () => {
    const onExpire = vi.fn();
    render(<Countdown until="2026-03-02T09:59:00Z" onExpire={onExpire} />);
    expect(screen.getByText("The time we held for you has run out.")).toBeInTheDocument();
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
