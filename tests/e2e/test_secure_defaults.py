"""Secure by default: a service started without ENVIRONMENT is a production service, and refuses dev secrets.

Each service is started the way its deployments start it (gunicorn with its gunicorn.conf.py, the operator
CLI), as a subprocess with a clean environment, so nothing of the developer's shell or of pytest leaks in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hospital_testing import free_port
from tools.stack.config import SERVICES, StackConfig
from tools.stack.programs import service_environment

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
DEV_TOKEN = "dev-internal-token"
REAL_TOKEN = "a-real-internal-token-of-32-chars"
UNSET_HINT = "ENVIRONMENT is not set, and unset means production"
SEEDED = ("auth", "patient", "doctor")  # the services with demo data


def clean_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """Only what a process needs to run at all; no ENVIRONMENT unless given."""
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8", **variables}


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
@pytest.mark.parametrize("token", [DEV_TOKEN, None], ids=["dev-token", "token-unset"])
def test_gunicorn_without_environment_and_with_the_dev_token_refuses_to_start(
    service: str, token: str | None, tmp_path: Path
) -> None:
    env = clean_environment(
        tmp_path,
        BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="1",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        **({"INTERNAL_TOKEN": token} if token else {}),
    )
    directory = REPO / "services" / service
    result = subprocess.run(
        [str(GUNICORN), "-c", str(directory / "gunicorn.conf.py")],
        cwd=directory, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    printed = output_of(result)
    assert result.returncode != 0, printed
    assert "INTERNAL_TOKEN must be set to a real secret (16+ characters) in production" in printed
    assert UNSET_HINT in printed and "set ENVIRONMENT=dev" in printed


@pytest.mark.parametrize("service", SEEDED)
def test_the_cli_without_environment_and_with_the_dev_token_refuses_with_a_message(
    service: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", f"{service}_service.cli", "seed-demo"],
        cwd=REPO / "services" / service, env=clean_environment(tmp_path, INTERNAL_TOKEN=DEV_TOKEN),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 2, output_of(result)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{service}: refused: INTERNAL_TOKEN must be set to a real secret")
    assert UNSET_HINT in result.stderr


@pytest.mark.parametrize("service", SEEDED)
@pytest.mark.parametrize("environment", ["production", None], ids=["production", "unset"])
def test_seed_demo_refuses_production_with_a_real_token(
    service: str, environment: str | None, tmp_path: Path
) -> None:
    env = clean_environment(
        tmp_path,
        INTERNAL_TOKEN=REAL_TOKEN,
        # Nothing listens here: the refusal must come before any connection is attempted.
        DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:9/none",
        REDIS_URL="redis://127.0.0.1:9/0",
        **({"ENVIRONMENT": environment} if environment else {}),
    )
    result = subprocess.run(
        [sys.executable, "-m", f"{service}_service.cli", "seed-demo"],
        cwd=REPO / "services" / service, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 2, output_of(result)
    assert "Traceback" not in result.stderr
    assert f"{service}: refused: seed-demo refuses to run in production" in result.stderr


def test_make_up_compose_and_the_k8s_dev_overlay_say_dev_explicitly_and_production_is_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.setenv("STACK_DIR", str(tmp_path))  # the stack's token file goes here, not into .stack
    native = StackConfig()
    assert {service_environment(native, s)["ENVIRONMENT"] for s in SERVICES} == {"dev"}
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert compose["x-service-env"]["ENVIRONMENT"] == "dev"
    assert "ENVIRONMENT=production" in (REPO / "k8s/base/config.env").read_text().splitlines()
    dev_overlay = (REPO / "k8s/overlays/dev/kustomization.yaml").read_text()
    assert "- ENVIRONMENT=dev" in dev_overlay
