"""Runs the npm oidc-provider of tests/oidc_provider on a free loopback port (installing it when missing)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import requests

from hospital_testing import free_port

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"


def ensure_installed() -> None:
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300)


class OidcProviderProcess:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str, log_path: Path) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": client_id,
            "CLIENT_SECRET": client_secret,
            "REDIRECT_URI": redirect_uri,
        }
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> OidcProviderProcess:
        ensure_installed()
        log = self._log_path.open("wb")
        self._process = subprocess.Popen(
            ["node", "server.js"], cwd=PROVIDER_DIR, env=self._env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self._log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oidc-provider did not start in time")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
