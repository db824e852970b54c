"""The chaos run's report: one block per scenario, a PASS/FAIL line for each, and the whole as text."""

from __future__ import annotations

from tests.chaos.scenarios import Result


def describe(result: Result) -> str:
    scenario = result.scenario
    statuses = ", ".join(
        f"{status or 'no answer'}: {count}" for status, count in sorted(result.by_status.items())
    )
    recovery = "-" if result.recovery is None else f"{result.recovery:.2f} s"
    lines = [
        f"({scenario.key}) {scenario.title}: {'PASS' if result.passed else 'FAIL'}",
        f"    requests {len(result.outcomes)} ({statuses})",
        f"    failures {len(result.failures)}"
        + (
            f" (all clean 503 problem+json: {all(o.clean_unavailable for o in result.failures)})"
            if result.failures
            else ""
        ),
        f"    max latency {result.max_latency * 1000:.0f} ms; fault from {result.window.down_at:.1f} s to "
        f"{result.window.back_at:.1f} s; recovery {recovery}"
        + (f" ({result.window.note})" if result.window.note else ""),
        f"    bookings acknowledged {len(result.acknowledged)}, found {len(result.found)}, "
        f"booked without acknowledgement {result.unacknowledged_rows}, overlapping {result.overlaps}",
        f"    services restarted: {', '.join(result.restarted) or 'none'}",
    ]
    if result.unsent_mails is not None:
        lines.append(f"    booking mails unsent after SMTP's return: {result.unsent_mails}")
    lines += [f"    PROBLEM: {problem}" for problem in result.problems]
    return "\n".join(lines)


def render(results: list[Result]) -> str:
    passed = sum(r.passed for r in results)
    return "\n".join(
        [*(describe(r) for r in results), f"{passed}/{len(results)} scenarios kept their promises"]
    )
