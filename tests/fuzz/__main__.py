"""`make fuzz`: the longer schemathesis run through a stack of its own, with a report file.

    .venv/bin/python -m tests.fuzz [--examples 25] [--report .stack/fuzz-report.txt]

FUZZ_SEED=<n> or FUZZ_SEED=random for other examples than the repeatable ones. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.fuzz import fuzzing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per operation, mode and caller")
    parser.add_argument("--report", type=Path, default=Path(".stack/fuzz-report.txt"))
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as root, fuzzing.fuzz_stack(Path(root)) as stack:
        tallies = fuzzing.fuzz_everything(
            stack.url, examples=args.examples, seed=fuzzing.seed_from_env(), report=lambda t: print(t.line())
        )
        failures = [failure for tally in tallies for failure in tally.failures]
        fuzzing.with_traces(failures, Path(stack.directory) / "logs")
    lines = [tally.line() for tally in tallies]
    lines.append(f"{len(failures)} failures, {time.monotonic() - started:.0f}s, {args.examples} examples")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines + [f.text() for f in failures]) + "\n")
    print("\n".join(f.text() for f in failures))
    print(lines[-1], f"(report: {args.report})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
