"""`make chaos`: every fault scenario against a stack of its own, a printed report, and the report in a file.

    .venv/bin/python -m tests.chaos [--scenarios abcdef] [--requests 400] [--report .stack/chaos-report.txt]

Exits non-zero when a scenario broke a promise. Everything it starts (a private PostgreSQL cluster, a private
Redis, the stack on free ports) is stopped and deleted at the end; the machine's PostgreSQL is not touched.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests.chaos.hospital import chaos_hospital
from tests.chaos.report import render
from tests.chaos.scenarios import SCENARIOS, run
from tests.e2e.stack import REPO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="".join(SCENARIOS), help="which, by letter (default: all)")
    parser.add_argument("--requests", type=int, default=600, help="the most per scenario (paced)")
    parser.add_argument("--report", type=Path, default=REPO / ".stack" / "chaos-report.txt")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"no such scenario: {''.join(sorted(unknown))}")
    started = time.monotonic()
    results = []
    with chaos_hospital() as hospital:
        for key in args.scenarios:
            print(f"==> ({key}) {SCENARIOS[key].title}", flush=True)
            results.append(run(hospital, SCENARIOS[key], max_requests=args.requests))
    report = render(results) + f"\n(chaos run took {time.monotonic() - started:.0f} s)\n"
    print(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report)
    print(f"report written to {args.report}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
