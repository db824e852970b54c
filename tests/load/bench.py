"""`make bench`: the slot finder's throughput and latency through the real gateway, measured with wrk.

    .venv/bin/python -m tests.load.bench [--seconds 10] [--connections 32] [--replicas 1,2] [--scale-check]
    GATEWAY=http://localhost:8080 .venv/bin/python -m tests.load.bench [--seed] [--replicas 2]

By default it starts its own stack on free ports (the demo hospital plus the bench hospital of
tests/load/seed_bench.py: 2,000 doctors, 200,000+ appointments), runs every path once per replica count
(`tools.stack scale N` between passes), prints each path, then a table of targets with PASS/MISS, and stops
the stack. Every path is compared with GET /api/v1/appointments/healthz through the same gateway at the same
concurrency, measured first (the reference) and again at the end.

With GATEWAY=http://host:port it measures a stack that already runs, as it is. It seeds the bench hospital
only with --seed, and then (like `make seed-bench`) needs the stack's databases and Redis, named by
DATABASE_ADMIN_URL, DB_PREFIX, REDIS_URL and APPOINTMENT_CACHE_REDIS_URL (none needed for a local
`make up`). --replicas scales between passes with `python -m tools.stack scale` (a native `make up` stack
only). The cold-cache and booking paths sign in as the demo admin and as new patients; set
BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD if the demo admin does not exist there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
import requests

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import REPO, PrivateRedis, StackUnderTest
from tests.load.bench_doctors import bench_doctor_ids
from tests.load.bench_report import Check, PassResult, pass_checks, print_summary, replica_checks
from tests.load.booking_plan import PatientCalendar, assign, collect_free_slots, register_patients, write_plan
from tests.load.cold_cache import ColdCacheResult, measure_cold_answers
from tests.load.seed_bench import APPOINTMENT_CACHE_PATTERN, SeedOptions, SeedTargets, drop_keys, seed
from tests.load.wrk_runner import WrkResult, run_wrk, threads_for, wrk_binary

DEMO_ADMIN_EMAIL = "admin@demo.hospital.test"
DEMO_PASSWORD = "demo-password-1"  # the published demo credentials (see auth_service)
HEALTHZ = "/api/v1/appointments/healthz"
NEXT_SLOT = "/api/v1/slots/next?specialization=cardiology"
DIRECTORY = "/api/v1/doctors?specialization=cardiology"
RELIABLE_DRIFT = 1.5  # healthz at the end of a pass within this factor of the start: a quiet machine
PROBE_BOOKINGS = 1500  # the warm-up run's plan; running out of it means bookings are fast: plan the most


@dataclass
class Target:
    """The stack under measurement: its gateway, and what the bench may do to it besides HTTP."""

    url: str
    seed_targets: SeedTargets | None  # databases and Redis, when the bench may seed and look inside
    scale: Callable[[int], None] | None
    replicas: int | None  # as started; None when unknown


@contextlib.contextmanager
def own_stack(first_replicas: int) -> Iterator[Target]:
    """A whole stack on free ports with a private Redis and prefixed databases, dropped afterwards."""
    root = Path(tempfile.mkdtemp(prefix="hospital-bench-"))
    (root / "redis").mkdir()
    private_redis = PrivateRedis(root / "redis")
    private_redis.start()
    stack = StackUnderTest(directory=root / "state", redis=private_redis)
    # Every client here shares 127.0.0.1, so the gateway's per-address limits are lifted: the bench
    # measures the services and the gateway's proxying, not the limiter.
    stack.env |= {
        "SEED_DEMO": "1",
        "APPOINTMENT_REPLICAS": str(first_replicas),
        "WEB_CONCURRENCY": "2",
        "GATEWAY_API_RATE": "100000r/s",
        "GATEWAY_CREDENTIALS_RATE": "100000r/s",
    }
    succeeded = False
    try:
        started = time.monotonic()
        stack.run("up")
        print(
            f"==> own stack up at {stack.url} ({time.monotonic() - started:.0f} s); state in {root}",
            flush=True,
        )
        yield Target(
            stack.url,
            SeedTargets.from_environment(stack.env),
            lambda n: _scaled(stack.run, n),
            first_replicas,
        )
        succeeded = True
    finally:
        stack.run("down", "--drop-databases", check=False)
        private_redis.stop()
        if succeeded:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"==> logs kept in {root / 'state' / 'logs'}", flush=True)


def _scaled(run: Callable[..., subprocess.CompletedProcess[str]], replicas: int) -> None:
    started = time.monotonic()
    run("scale", str(replicas))
    print(
        f"==> scaled Appointment-MS to {replicas} replica(s) ({time.monotonic() - started:.0f} s)", flush=True
    )


def running_stack(url: str, *, may_seed: bool) -> Target:
    def scale(replicas: int) -> None:
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([sys.executable, "-m", "tools.stack", *args], cwd=REPO,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"tools.stack {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
            return done

        _scaled(run, replicas)

    targets = SeedTargets.from_environment(os.environ) if may_seed else None
    return Target(url.rstrip("/"), targets, scale, None)


class Bench:
    """Every path of one pass, and the scale check, against one target."""

    def __init__(self, target: Target, args: argparse.Namespace) -> None:
        self.target = target
        self.args = args
        self.run_id = uuid.uuid4().hex[:8]
        self.calendars: list[PatientCalendar] = []
        self.plans = tempfile.TemporaryDirectory(prefix="hospital-bench-plans-")
        self.window_start = datetime.now(UTC).replace(second=0, microsecond=0)
        self.window_end = self.window_start + timedelta(days=14)
        self.slots_path = (
            f"/api/v1/slots?specialization=cardiology&from={_iso(self.window_start)}"
            f"&to={_iso(self.window_end)}&limit=20"
        )

    # -- wrk ---------------------------------------------------------------------------------------------

    def measure(
        self, name: str, path: str, *, reference: WrkResult | None = None, connections: int | None = None
    ) -> WrkResult:
        """Warm up, then one measured wrk run; prints its line (with the ratio to `reference`)."""
        connections = connections or self.args.connections
        url = self.target.url + path
        if self.args.warmup > 0:
            run_wrk(name, url, connections=connections, seconds=self.args.warmup)
        result = run_wrk(name, url, connections=connections, seconds=self.args.seconds)
        print(result.line(reference), flush=True)
        return result

    def run_passes(self, replicas: list[int]) -> list[Check]:
        """One pass per replica count (scaling in between), or one pass as the stack runs."""
        passes: list[PassResult] = []
        current = self.target.replicas
        for count in replicas or [None]:
            if count is not None and count != current:
                assert self.target.scale is not None
                self.target.scale(count)
                current = count
            passes.append(self.run_pass(str(count) if count is not None else "as running"))
        return [c for p in passes for c in pass_checks(p)] + replica_checks(passes)

    def run_pass(self, label: str) -> PassResult:
        args = self.args
        print(f"\n--- {label} Appointment-MS replica(s): {args.connections} connections, "
              f"{args.seconds:.0f} s per path (+{args.warmup:.0f} s warm-up)", flush=True)  # fmt: skip
        print(f"    {_machine_load()}")
        result = PassResult(label)
        ref = result.healthz = self.measure("GET appointments/healthz (reference)", HEALTHZ)
        next_slot = result.paths["next"] = self.measure("GET slots/next cardiology", NEXT_SLOT, reference=ref)
        if len(next_slot.served_by) > 1:
            print(f"    served by: {dict(sorted(next_slot.served_by.items()))}")
        result.paths["slots"] = self.measure("GET slots cardiology 14 days", self.slots_path, reference=ref)
        result.paths["directory"] = self.measure(
            "GET doctors?specialization=cardiology", DIRECTORY, reference=ref
        )
        result.cold = self.cold_answers(ref)
        result.booking = self.booking(ref)
        result.healthz_end = self.measure("GET appointments/healthz (at the end)", HEALTHZ, reference=ref)
        print(f"    {_machine_load()}")
        end = result.healthz_end.rps
        if not 1 / RELIABLE_DRIFT <= end / ref.rps <= RELIABLE_DRIFT:
            print(f"    WARNING: healthz went from {ref.rps:.0f} to {end:.0f} req/s during this pass: "
                  "something else loaded the machine, so this pass's ratios are unreliable")  # fmt: skip
        return result

    # -- the sequential cold-cache measurement -----------------------------------------------------------

    def cold_answers(self, reference: WrkResult) -> ColdCacheResult | None:
        email = os.environ.get("BENCH_ADMIN_EMAIL", DEMO_ADMIN_EMAIL)
        password = os.environ.get("BENCH_ADMIN_PASSWORD", DEMO_PASSWORD)
        admin = BrowserSession(self.target.url)
        if admin.post("/api/v1/auth/login", json={"email": email, "password": password}).status_code != 200:
            print(f"    cold cache: cannot sign in as {email}; skipped (set BENCH_ADMIN_EMAIL/PASSWORD)")
            return None
        doctor_id = self._bench_cardiologist(admin)
        urls = self.target.seed_targets
        result = measure_cold_answers(
            admin,
            doctor_id=doctor_id,
            timed_request=lambda s: s.get(self.target.url + self.slots_path, timeout=30),
            appointment_database_url=urls.appointment_database_url if urls else None,
            times=self.args.cold_samples,
        )
        unseen = f"; {result.unseen_changes} change(s) not seen arriving" if result.unseen_changes else ""
        print(
            f"{'cold GET slots cardiology 14 days':<38} {len(result.timings_ms)} answers, each right after a "
            f"schedule change: median {result.median_ms:.1f} ms, max {result.max_ms:.1f} ms  "
            f"{result.max_ms / reference.p99_ms:5.2f}x healthz p99{unseen}",
            flush=True,
        )
        return result

    def _bench_cardiologist(self, browser: BrowserSession) -> str:
        answer = browser.get("/api/v1/doctors", params={"specialization": "cardiology", "page_size": 100})
        answer.raise_for_status()
        ids = [item["id"] for item in answer.json()["items"]]
        bench = {str(d) for d in bench_doctor_ids(self.args.doctors)}
        return next((d for d in ids if d in bench), ids[0])

    # -- booking -----------------------------------------------------------------------------------------

    def booking(self, reference: WrkResult) -> WrkResult | None:
        """A short booking run sizes the plan of the measured one (and warms the booking path up)."""
        if not self.calendars:
            started = time.monotonic()
            patients = register_patients(self.target.url, self.args.patients, run=self.run_id)
            self.calendars = [PatientCalendar(p) for p in patients]
            print(
                f"    {len(patients)} patients registered and signed in ({time.monotonic() - started:.0f} s)"
            )
        probe_seconds = max(self.args.warmup, 2.0)
        probe = self._book(needed=PROBE_BOOKINGS, seconds=probe_seconds)
        if probe is None:
            return None
        if probe.counters.get("exhausted"):
            needed = self.args.max_bookings
        else:
            needed = min(int(probe.rate_of(201) * self.args.seconds * 1.5) + 500, self.args.max_bookings)
        print(f"    booking warm-up: {probe.statuses.get(201, 0)} booked in {probe_seconds:.0f} s; "
              f"planning {needed} for the measured run", flush=True)  # fmt: skip
        result = self._book(needed=needed, seconds=self.args.seconds)
        if result is None:
            return None
        print(result.line(reference), flush=True)
        statuses = result.statuses
        other = sum(n for s, n in statuses.items() if s not in (200, 201, 409) and s < 500)
        print(f"    booked (201) {statuses.get(201, 0)} = {result.rate_of(201):.1f}/s, conflicts (409) "
              f"{statuses.get(409, 0)}, other non-2xx {other}, 5xx {result.server_errors}")  # fmt: skip
        if result.counters.get("exhausted"):
            print(f"    WARNING: the plan ran out ({result.counters['exhausted']} filler requests): "
                  "the booking rate above is a lower bound", flush=True)  # fmt: skip
        return result

    def _book(self, *, needed: int, seconds: float) -> WrkResult | None:
        """Plan `needed` bookings of free slots, then let wrk send them for `seconds`."""
        started = time.monotonic()
        doctor_ids = self._bookable_doctors(needed // 20 + 50)
        slots = collect_free_slots(
            self.target.url, doctor_ids, needed=needed,
            start=datetime.now(UTC) + timedelta(hours=1), end=self.window_end,
        )  # fmt: skip
        plan = assign(slots, self.calendars)
        if not plan:
            print("    booking: no free slots found; skipped")
            return None
        path = Path(self.plans.name) / f"plan-{len(plan)}-{time.monotonic_ns()}.tsv"
        write_plan(path, plan)
        print(f"    booking plan: {len(plan)} of {len(slots)} free slots found ({needed} wanted) of "
              f"{len(doctor_ids)} doctors, for {len(self.calendars)} signed-in patients "
              f"({time.monotonic() - started:.0f} s to prepare)", flush=True)  # fmt: skip
        connections = self.args.connections
        nonce = f"bench-{self.run_id}-{time.monotonic_ns()}"
        return run_wrk(
            "POST appointments (book)", self.target.url, connections=connections, seconds=seconds,
            script="book.lua", script_args=[str(path), str(threads_for(connections)), nonce, self.target.url],
        )  # fmt: skip

    def _bookable_doctors(self, count: int) -> list[str]:
        browser = BrowserSession(self.target.url)
        ids: list[str] = []
        page = 1
        while len(ids) < count:
            answer = browser.get("/api/v1/doctors", params={"page": page, "page_size": 100})
            answer.raise_for_status()
            items = answer.json()["items"]
            ids += [i["id"] for i in items if i.get("accepting_new_patients", True)]
            if len(items) < 100:
                break
            page += 1
        random.Random(self.run_id).shuffle(ids)
        return ids[:count]

    # -- 10x the doctors ---------------------------------------------------------------------------------

    def next_slot_costs(self, label: str) -> tuple[WrkResult, WrkResult, float]:
        """Next slot at 1 and at N connections (as served, caches and all), and uncached (median ms)."""
        one = self.measure(f"GET slots/next, 1 connection, {label}", NEXT_SLOT, connections=1)
        many = self.measure(f"GET slots/next, {self.args.connections} connections, {label}", NEXT_SLOT)
        uncached = self.uncached_next_slot_ms()
        print(f"{'GET slots/next, caches dropped first':<38} median {uncached:.1f} ms of 10, one at a time")
        return one, many, uncached

    def uncached_next_slot_ms(self, samples: int = 10) -> float:
        """What the finder itself costs: each answer timed right after Appointment-MS's caches are dropped."""
        assert self.target.seed_targets is not None and self.target.seed_targets.slot_cache_redis_url
        client = redis.Redis.from_url(self.target.seed_targets.slot_cache_redis_url)
        http = requests.Session()
        timings = []
        try:
            http.get(self.target.url + NEXT_SLOT, timeout=30)
            for _ in range(samples):
                drop_keys(client, APPOINTMENT_CACHE_PATTERN)
                started = time.perf_counter()
                http.get(self.target.url + NEXT_SLOT, timeout=30).raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            client.close()
            http.close()
        return statistics.median(timings)

    def scale_check(self) -> list[Check]:
        """Next slot with the bench doctors, then with --scale-doctors of them (10x by default)."""
        args = self.args
        if self.target.seed_targets is None:
            print("--scale-check needs to seed: use it on the bench's own stack, or with GATEWAY=... --seed")
            return []
        print(f"\n--- scale check: {args.doctors} then {args.scale_doctors} bench doctors", flush=True)
        small_one, small_many, small_uncached = self.next_slot_costs(f"{args.doctors} doctors")
        seed(self.target.seed_targets, SeedOptions(doctors=args.scale_doctors))
        big_one, big_many, big_uncached = self.next_slot_costs(f"{args.scale_doctors} doctors")
        factor = f"{args.scale_doctors / args.doctors:g}x doctors"
        checks = [
            _at_most_twice(f"next slot p50, 1 connection, {factor}", big_one.p50_ms, small_one.p50_ms, "ms"),
            _at_most_twice(
                f"next slot mean, 1 connection, {factor}", big_one.mean_ms, small_one.mean_ms, "ms"
            ),
            _at_most_twice(f"next slot uncached (median), {factor}", big_uncached, small_uncached, "ms"),
        ]
        # Cost per request at full concurrency is the inverse of throughput.
        target = f"next slot cost, {args.connections} connections, {factor}"
        ratio = small_many.rps / big_many.rps
        measured = f"{big_many.rps:.0f} vs {small_many.rps:.0f} req/s"
        checks.append(Check("scale", target, measured, ratio, "<= 2x", ratio <= 2))
        return checks


def _at_most_twice(target: str, big: float, small: float, unit: str) -> Check:
    ratio = big / small
    return Check("scale", target, f"{big:.1f} vs {small:.1f} {unit}", ratio, "<= 2x", ratio <= 2)


def _machine_load() -> str:
    """The load average, so a reader can tell numbers taken on a busy machine (other tests, other stacks)."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per path (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk keep-alive connections (default 32)")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of unmeasured load before each path"
    )
    parser.add_argument("--replicas", help="Appointment-MS replicas per pass, e.g. 1,2 (default: 1,2 on the "
                        "own stack; as running with GATEWAY)")  # fmt: skip
    parser.add_argument("--doctors", type=int, default=2000, help="bench doctors to seed (default 2000)")
    parser.add_argument("--seed", action="store_true", help="with GATEWAY: seed the bench hospital first")
    parser.add_argument("--patients", type=int, default=96, help="signed-in patients who book (default 96)")
    parser.add_argument(
        "--max-bookings", type=int, default=20000, help="longest booking plan (default 20000)"
    )
    parser.add_argument("--cold-samples", type=int, default=20, help="schedule changes timed (default 20)")
    parser.add_argument(
        "--scale-check", action="store_true", help="also compare next slot at 10x the doctors"
    )
    parser.add_argument("--scale-doctors", type=int, default=20000, help="doctors for --scale-check")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    wrk_binary()  # fail now, not after the stack is up
    gateway = os.environ.get("GATEWAY")
    replicas = [int(n) for n in args.replicas.split(",")] if args.replicas else ([] if gateway else [1, 2])
    started = time.monotonic()
    stack = (
        contextlib.nullcontext(running_stack(gateway, may_seed=args.seed))
        if gateway
        else own_stack(replicas[0])
    )
    print(f"==> {_machine_load()}", flush=True)
    with stack as target:
        if target.seed_targets is not None and (args.seed or not gateway):
            seed(target.seed_targets, SeedOptions(doctors=args.doctors))
        bench = Bench(target, args)
        try:
            checks = bench.run_passes(replicas)
            if args.scale_check:
                checks += bench.scale_check()
        finally:
            bench.plans.cleanup()
    print_summary(checks)
    print(f"bench took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
