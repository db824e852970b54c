"""A PostgreSQL cluster of the chaos run's own, so it can be restarted without touching the machine's.

The machine's cluster on 127.0.0.1:5432 serves everyone else's tests and stacks; a fault injected there
would be felt by all of them. This one lives in a temporary directory, listens on a free loopback port with
trust authentication, and is thrown away at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from hospital_testing import free_port

SERVER_OWNER = "postgres"  # initdb and postgres refuse to run as root


def postgres_bin(tool: str) -> str:
    """A tool of the newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return found[-1]
    on_path = shutil.which(tool)
    if on_path is None:
        raise RuntimeError(f"{tool} is not installed (Debian: apt-get install postgresql)")
    return on_path


@dataclass
class PrivatePostgres:
    """initdb + pg_ctl on a free port; start, stop and restart it at will."""

    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hospital-chaos-pg-")))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", SERVER_OWNER, "--", *command]
        return list(command)

    def init(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SERVER_OWNER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            self._as_owner(postgres_bin("initdb"), "-D", str(self.data_dir), "-U", "postgres",
                           "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"),
            check=True, capture_output=True, text=True,
        )  # fmt: skip

    def start(self) -> None:
        # Small and quick: the stack has four services with a few pooled connections each. Durability is
        # PostgreSQL's default (fsync on): "no acknowledged booking lost" must hold across a restart.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
            "-c max_connections=200 -c shared_buffers=32MB"
        )
        subprocess.run(
            self._as_owner(postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
                           "-o", options, "-w", "-t", "30", "start"),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        self.wait_answering()

    def stop(self) -> None:
        """A fast shutdown: every session is cut off at once, as in a restart by an operator or a failover."""
        subprocess.run(
            self._as_owner(postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"),
            check=False, capture_output=True, text=True,
        )  # fmt: skip

    def wait_answering(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
