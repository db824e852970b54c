"""A whole stack (nginx + every service + a private Redis) on test ports, driven by tools/stack."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from hospital_testing import free_port
from tests.e2e import openapi_validation

REPO = Path(__file__).resolve().parents[2]


def _free_port_with_replicas(replicas: int = 9, step: int = 100) -> int:
    """A base port such that base, base+100, ... are all free (for appointment replicas)."""
    for _ in range(50):
        base = free_port()
        if base + step * replicas < 65000 and all(_is_free(base + step * i) for i in range(replicas)):
            return base
    raise RuntimeError("no free port range for appointment replicas")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PrivateRedis:
    """A redis-server of the test's own, so a test may stop and start it without disturbing anyone.

    `durable`: its data outlives a restart (an append-only file), as a production Redis's does."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    durable: bool = False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "yes" if self.durable else "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not port_is_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class StackUnderTest:
    directory: Path
    redis: PrivateRedis
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gateway_port = free_port()
        self.ports = {
            "auth": free_port(),
            "patient": free_port(),
            "doctor": free_port(),
            "appointment": _free_port_with_replicas(),
        }
        self.env = os.environ | {
            "STACK_DIR": str(self.directory),
            "GATEWAY_PORT": str(self.gateway_port),
            "SMTP_PORT": str(free_port()),
            "DB_PREFIX": f"e2e_{uuid.uuid4().hex[:8]}_",
            "REDIS_URL": self.redis.url,
            "SEED_DEMO": "0",
            "APPOINTMENT_REPLICAS": "1",
            "WEB_CONCURRENCY": "2",  # several workers, so multiprocess metrics are really exercised
            "ENVIRONMENT": "test",
            **{f"{name.upper()}_PORT": str(port) for name, port in self.ports.items()},
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "tools.stack", *args],
            cwd=REPO, env=self.env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"stack {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def get(self, path: str, **kwargs: object) -> requests.Response:
        """GET through the gateway, the answer checked against its service's OpenAPI document."""
        response = requests.get(self.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]
        openapi_validation.check(response, gateway_url=self.url)
        return response

    def replica_port(self, replica: int) -> int:
        return self.ports["appointment"] + 100 * (replica - 1)

    def internal_token(self) -> str:
        return (self.directory / "internal_token").read_text().strip()

    def program_pids(self) -> dict[str, int]:
        return json.loads(self.run("pids").stdout)

    def all_ports(self) -> list[int]:
        replicas = [self.replica_port(r) for r in range(1, 10)]
        return [self.gateway_port, self.ports["auth"], self.ports["patient"], self.ports["doctor"], *replicas]
