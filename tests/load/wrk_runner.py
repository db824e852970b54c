"""Runs wrk (the Debian package) with one of tests/load/wrk/*.lua and reads the line its done() prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "wrk"
MARKER = "WRK_RESULT "


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured: throughput, latency percentiles, and every answer by status and replica."""

    name: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    served_by: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def rate_of(self, status: int) -> float:
        return self.statuses.get(status, 0) / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def failed_sockets(self) -> int:
        return sum(self.socket_errors.values())

    def line(self, reference: WrkResult | None = None) -> str:
        ratio = f"  {self.rps / reference.rps:5.2f}x healthz" if reference and reference.rps else ""
        sockets = f"  socket errors {self.failed_sockets}" if self.failed_sockets else ""
        return (
            f"{self.name:<38} {self.rps:8.1f} req/s  p50 {self.p50_ms:7.1f}  p95 {self.p95_ms:7.1f}  "
            f"p99 {self.p99_ms:7.1f} ms  non-2xx {self.non_2xx:<5} 5xx {self.server_errors:<4}"
            f"{ratio}{sockets}"
        )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: `make bench` installs it (tools/install-system-deps.sh wrk)")
    return found


def threads_for(connections: int) -> int:
    """wrk threads: one per core of this 2-core bench machine, never more than the connections."""
    return min(2, connections)


def run_wrk(
    name: str, url: str, *, connections: int, seconds: float, script: str = "get.lua",
    script_args: Sequence[str] = (), timeout_seconds: int = 10,
) -> WrkResult:  # fmt: skip
    """One bounded wrk run: `connections` keep-alive connections over 2 threads for `seconds`."""
    threads = threads_for(connections)
    command = [
        wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
        "--latency", "--timeout", f"{timeout_seconds}s", "-s", str(SCRIPTS / script), url,
    ]  # fmt: skip
    if script_args:
        command += ["--", *script_args]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in finished.stdout.splitlines() if x.startswith(MARKER)), None)
    if finished.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    data = json.loads(line[len(MARKER) :])
    return WrkResult(
        name=name,
        connections=connections,
        requests=int(data["requests"]),
        seconds=float(data["seconds"]),
        p50_ms=float(data["p50_ms"]),
        p95_ms=float(data["p95_ms"]),
        p99_ms=float(data["p99_ms"]),
        max_ms=float(data["max_ms"]),
        mean_ms=float(data["mean_ms"]),
        statuses={int(k): int(v) for k, v in data["statuses"].items()},
        served_by={str(k): int(v) for k, v in data["served_by"].items()},
        counters={str(k): int(v) for k, v in data["counters"].items()},
        socket_errors={str(k): int(v) for k, v in data["socket_errors"].items()},
    )
