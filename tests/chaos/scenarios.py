"""The six faults, each injected while the load runs, and the promises checked against what happened.

(a) scale Appointment-MS 1 -> 3 -> 1 and (b) reload nginx: no request fails at all.
(c) SIGKILL one of three replicas: no GET fails; every POST answered 201 is in the database, none twice.
(d) restart Redis, (e) restart PostgreSQL, (f) stop the SMTP server: no 5xx but a clean 503 problem+json
while the dependency is down, no acknowledged booking lost, full recovery within 5 s of its return, and
none of our services restarted. With SMTP down bookings still succeed; the mails go out once it is back.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.chaos.hospital import ChaosHospital
from tests.chaos.load import Load, Outcome

RECOVERY_LIMIT = 5.0
MAIL_DRAIN_LIMIT = 60.0  # the relay backs off 5 s, 10 s, ... per mail that met a closed SMTP door


@dataclass(frozen=True)
class Window:
    """When the fault began and when it was over (the dependency back), on the load's clock."""

    down_at: float
    back_at: float
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    kind: str  # "no-failures" | "replica-killed" | "dependency"
    inject: Callable[[ChaosHospital, Load], Window]
    replicas: int = 1  # Appointment-MS replicas before the load starts
    rate: float = 20.0  # requests per second: a few hundred over the fault and its tail


@dataclass
class Result:
    scenario: Scenario
    outcomes: list[Outcome]
    window: Window
    acknowledged: set[str]
    found: set[str]
    unacknowledged_rows: int
    overlaps: int
    restarted: list[str]
    recovery: float | None
    unsent_mails: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def by_status(self) -> Counter[int]:
        return Counter(o.status for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def max_latency(self) -> float:
        return max((o.latency for o in self.outcomes), default=0.0)


# --------------------------------------------------------------------------- the faults


def _scale_up_and_down(hospital: ChaosHospital, load: Load) -> Window:
    down_at = load.now()
    hospital.scale(3)
    up_took = load.now() - down_at
    time.sleep(2)
    began = load.now()
    hospital.scale(1)
    note = f"1 -> 3 took {up_took:.1f} s, 3 -> 1 took {load.now() - began:.1f} s"
    return Window(down_at, load.now(), note)


def _reload_gateway(hospital: ChaosHospital, load: Load) -> Window:
    down_at = load.now()
    for _ in range(3):
        hospital.reload_gateway()
        time.sleep(1)
    return Window(down_at, load.now())


def _kill_a_replica(hospital: ChaosHospital, load: Load) -> Window:
    down_at = load.now()
    killed = hospital.kill_replica(2)
    back = hospital.wait_restarted("appointment-2", killed)
    note = "supervisord had appointment-2 running again" if back else "appointment-2 was not restarted"
    return Window(down_at, down_at, f"{note} {load.now() - down_at:.1f} s after the kill")


def _outage(stop: Callable[[], None], start: Callable[[], None], *, seconds: float) -> Callable[..., Window]:
    def inject(hospital: ChaosHospital, load: Load) -> Window:
        down_at = load.now()
        stop()
        time.sleep(seconds)
        start()
        return Window(down_at, load.now())

    return inject


def _restart_redis(hospital: ChaosHospital, load: Load) -> Window:
    return _outage(hospital.redis.stop, hospital.redis.start, seconds=3)(hospital, load)


def _restart_postgres(hospital: ChaosHospital, load: Load) -> Window:
    return _outage(hospital.postgres.stop, hospital.postgres.start, seconds=3)(hospital, load)


def _stop_smtp(hospital: ChaosHospital, load: Load) -> Window:
    stop = lambda: hospital.supervisorctl("stop", "mail-sink")  # noqa: E731
    start = lambda: hospital.supervisorctl("start", "mail-sink")  # noqa: E731
    return _outage(stop, start, seconds=4)(hospital, load)


SCENARIOS = {
    s.key: s
    for s in (
        Scenario("a", "scale appointment 1 -> 3 -> 1", "no-failures", _scale_up_and_down, rate=10.0),
        Scenario("b", "reload nginx (3 times)", "no-failures", _reload_gateway),
        Scenario("c", "SIGKILL one of three replicas", "replica-killed", _kill_a_replica, replicas=3),
        Scenario("d", "restart Redis (down 3 s)", "dependency", _restart_redis),
        Scenario("e", "restart PostgreSQL (down 3 s)", "dependency", _restart_postgres),
        Scenario("f", "stop SMTP (down 4 s)", "dependency", _stop_smtp),
    )
}


# --------------------------------------------------------------------------- running one


def run(
    hospital: ChaosHospital, scenario: Scenario, *, max_requests: int, lead: float = 2.0, tail: float = 7.0
) -> Result:
    """Start the load, inject the fault `lead` s in, keep the load `tail` s past its end, then check."""
    hospital.scale(scenario.replicas)
    before_rows = set(hospital.booked_ids())
    pids_before = hospital.service_pids()
    load = hospital.load(max_requests=max_requests, rate=scenario.rate)
    load.start()
    time.sleep(lead)
    window = scenario.inject(hospital, load)
    time.sleep(tail)
    outcomes = load.stop()
    rows = hospital.booked_ids()
    acknowledged = {o.booking_id for o in outcomes if o.booking_id}
    result = Result(
        scenario=scenario,
        outcomes=outcomes,
        window=window,
        acknowledged=acknowledged,
        found={i for i in acknowledged if rows.get(i) == 1},
        unacknowledged_rows=len(set(rows) - before_rows - acknowledged),
        overlaps=hospital.overlapping_bookings(),
        restarted=_restarted(pids_before, hospital.service_pids(), scenario),
        recovery=_recovery(outcomes, window),
    )
    if scenario.key == "f":
        result.unsent_mails = _wait_for_mails(hospital, sorted(acknowledged))
    result.problems = check(result)
    hospital.scale(1)
    return result


def _restarted(before: dict[str, int], after: dict[str, int], scenario: Scenario) -> list[str]:
    """Our programs whose PID changed (or that vanished); the replicas scaled or killed on purpose aside."""
    expected = {"mail-sink"} if scenario.key == "f" else set()
    if scenario.kind != "dependency":
        expected |= {
            name for name in before | after if name.startswith("appointment-") and name != "appointment-1"
        }
    return sorted(n for n in before if n not in expected and after.get(n) != before[n])


def _recovery(outcomes: list[Outcome], window: Window) -> float | None:
    """Seconds from the dependency's return to the first success of each kind of request (the slower one)."""
    slowest = 0.0
    for method in ("GET", "POST"):
        after = [o for o in outcomes if o.method == method and o.started >= window.back_at and not o.failed]
        if not after:
            return None
        slowest = max(slowest, min(o.ended for o in after) - window.back_at)
    return slowest


def _wait_for_mails(hospital: ChaosHospital, booking_ids: list[str]) -> int:
    deadline = time.monotonic() + MAIL_DRAIN_LIMIT
    while (unsent := hospital.unsent_mails(booking_ids)) and time.monotonic() < deadline:
        time.sleep(1)
    return unsent


def check(result: Result) -> list[str]:
    """What broke a promise, in words; empty when the scenario kept them all."""
    problems: list[str] = []
    lost = result.acknowledged - result.found
    if lost:
        problems.append(f"{len(lost)} acknowledged bookings are not in the database exactly once")
    if result.overlaps:
        problems.append(f"{result.overlaps} overlapping active bookings")
    kind, window = result.scenario.kind, result.window
    if kind == "no-failures" and result.failures:
        problems.append(f"{len(result.failures)} failed requests: {_sample(result.failures)}")
    if kind == "replica-killed":
        failed_gets = [o for o in result.failures if o.method == "GET"]
        if failed_gets:
            problems.append(f"{len(failed_gets)} failed GETs: {_sample(failed_gets)}")
    if kind == "dependency":
        unclean = [o for o in result.failures if not o.clean_unavailable]
        if unclean:
            problems.append(
                f"{len(unclean)} failures other than a clean 503 problem+json: {_sample(unclean)}"
            )
        late = [o for o in result.failures if o.started > window.back_at + RECOVERY_LIMIT]
        if late:
            problems.append(
                f"{len(late)} failures more than {RECOVERY_LIMIT:.0f} s after the return: {_sample(late)}"
            )
        if result.recovery is None or result.recovery > RECOVERY_LIMIT:
            problems.append(f"recovery took {result.recovery} s (limit {RECOVERY_LIMIT:.0f} s)")
        if result.restarted:
            problems.append(f"restarted: {', '.join(result.restarted)}")
    if result.scenario.key == "f":
        posts = [o for o in result.outcomes if o.method == "POST"]
        if any(o.failed for o in posts):
            problems.append("bookings failed while SMTP was down (mail should wait in the outbox)")
        if result.unsent_mails:
            problems.append(
                f"{result.unsent_mails} booking mails still unsent {MAIL_DRAIN_LIMIT:.0f} s later"
            )
    if not result.outcomes or max(o.started for o in result.outcomes) < window.back_at:
        problems.append("the load ended before the fault was over: raise max_requests")
    return problems


def _sample(outcomes: list[Outcome], count: int = 3) -> str:
    shown = [
        f"{o.method} {o.path.split('?')[0]} -> {o.status or o.error} at {o.started:.1f}s"
        for o in outcomes[:count]
    ]
    return "; ".join(shown) + (" ..." if len(outcomes) > count else "")
