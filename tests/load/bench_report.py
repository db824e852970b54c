"""The bench's targets and the final table: each goal, what was measured, the ratio, PASS or MISS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tests.load.cold_cache import ColdCacheResult
from tests.load.wrk_runner import WrkResult


@dataclass(frozen=True)
class Check:
    scope: str  # "1 replica", "2 replicas", "scale"
    target: str
    measured: str
    ratio: float | None
    goal: str
    passed: bool | None  # None: reported, no goal

    def row(self) -> str:
        ratio = f"{self.ratio:6.2f}x" if self.ratio is not None else "      -"
        verdict = {True: "PASS", False: "MISS", None: "info"}[self.passed]
        return f"{self.scope:<11} {self.target:<44} {self.measured:<30} {ratio}  {self.goal:<11} {verdict}"


@dataclass
class PassResult:
    """One pass of every path at one number of Appointment-MS replicas."""

    replicas: str
    healthz: WrkResult | None = None
    healthz_end: WrkResult | None = None
    paths: dict[str, WrkResult] = field(default_factory=dict)
    cold: ColdCacheResult | None = None
    booking: WrkResult | None = None


def replicas_label(replicas: str) -> str:
    return f"{replicas} replica" + ("" if replicas == "1" else "s")


def _most(scope: str, target: str, measured: str, ratio: float, limit: float) -> Check:
    return Check(scope, target, measured, ratio, f"<= {limit}x", ratio <= limit)


def _least(scope: str, target: str, measured: str, ratio: float, limit: float) -> Check:
    return Check(scope, target, measured, ratio, f">= {limit}x", ratio >= limit)


def _throughput(scope: str, name: str, result: WrkResult | None, ref: WrkResult, limit: float) -> list[Check]:
    if result is None:
        return []
    return [
        _least(scope, f"{name} throughput vs healthz", f"{result.rps:.0f} req/s", result.rps / ref.rps, limit)
    ]


def _replica_shares(scope: str, result: WrkResult | None) -> list[Check]:
    if result is None or len(result.served_by) < 2:
        return []
    total = sum(result.served_by.values())
    shares = {name: n / total for name, n in sorted(result.served_by.items())}
    measured = " ".join(f"{name.removeprefix('appointment-')}: {share:.0%}" for name, share in shares.items())
    fair = all(0.4 <= s <= 0.6 for s in shares.values()) if len(shares) == 2 else None
    return [Check(scope, "next slot share per replica", measured, None, "40-60% each", fair)]


def pass_checks(result: PassResult) -> list[Check]:
    """Every target of one pass, each against that pass's first healthz."""
    ref = result.healthz
    if ref is None:
        return []
    scope = replicas_label(result.replicas)
    next_slot = result.paths.get("next")
    checks = _throughput(scope, "next slot", next_slot, ref, 0.5)
    if next_slot is not None:
        measured = f"{next_slot.p99_ms:.1f} vs {ref.p99_ms:.1f} ms"
        checks.append(
            _most(scope, "next slot p99 vs healthz p99", measured, next_slot.p99_ms / ref.p99_ms, 2.5)
        )
    checks += _throughput(scope, "slots (14 days)", result.paths.get("slots"), ref, 0.25)
    if result.cold is not None:
        cold = result.cold
        measured = f"max {cold.max_ms:.1f}, median {cold.median_ms:.1f} ms"
        target = f"cold slots answer (max of {len(cold.timings_ms)}) vs p99"
        checks.append(_most(scope, target, measured, cold.max_ms / ref.p99_ms, 10))
    if result.booking is not None:
        rate = result.booking.rate_of(201)
        checks.append(
            _least(scope, "booking: 201/s vs healthz", f"{rate:.0f} booked/s", rate / ref.rps, 0.25)
        )
        errors = result.booking.server_errors
        checks.append(Check(scope, "booking: 5xx answers", str(errors), None, "0", errors == 0))
    checks += _throughput(scope, "doctor directory", result.paths.get("directory"), ref, 0.25)
    checks += _replica_shares(scope, next_slot)
    if result.healthz_end is not None:
        measured_end = f"{result.healthz_end.rps:.0f} vs {ref.rps:.0f} req/s"
        drift = result.healthz_end.rps / ref.rps
        checks.append(
            Check(scope, "healthz at the end vs the reference (noise)", measured_end, drift, "~1x", None)
        )
    measured = [*result.paths.values(), *([result.booking] if result.booking else [])]
    errors = sum(r.server_errors for r in measured)
    checks.append(Check(scope, "5xx on every path", str(errors), None, "0", errors == 0))
    return checks


def replica_checks(passes: Sequence[PassResult]) -> list[Check]:
    """Throughput of the next-slot path with N replicas against the first pass."""
    first = passes[0].paths.get("next") if passes else None
    checks: list[Check] = []
    for later in passes[1:]:
        result = later.paths.get("next")
        if first is None or result is None:
            continue
        target = f"next slot throughput vs {replicas_label(passes[0].replicas)}"
        measured = f"{result.rps:.0f} vs {first.rps:.0f} req/s"
        checks.append(
            Check(replicas_label(later.replicas), target, measured, result.rps / first.rps, "-", None)
        )
    return checks


def print_summary(checks: Sequence[Check]) -> None:
    print()
    print(f"{'pass':<11} {'target':<44} {'measured':<30} {'ratio':>7}  {'goal':<11} result")
    print("-" * 120)
    for check in checks:
        print(check.row())
    misses = sum(1 for c in checks if c.passed is False)
    print("-" * 120)
    print(f"{sum(1 for c in checks if c.passed)} PASS, {misses} MISS", flush=True)
