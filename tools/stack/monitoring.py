"""Debian's Prometheus beside the native stack (make up MONITORING=1): a supervised program on loopback.

It scrapes every service and every Appointment-MS replica from one file_sd targets file, which `up` and
`scale` rewrite (Prometheus notices a changed file by itself: no restart, no reload), and loads the same
rules as compose and Kubernetes: k8s/base/monitoring/rules/hospital.rules.yml, from the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from tools.stack.config import REPLICATED, REPO, SERVICES, StackConfig
from tools.stack.programs import program_block

RULES = REPO / "k8s" / "base" / "monitoring" / "rules" / "hospital.rules.yml"
PROGRAM = "prometheus"
# A target's service, read by each scrape job's `keep` and dropped after relabelling (the `__` prefix).
SERVICE_LABEL = "__hospital_service"


def monitoring_wanted(config: StackConfig, state: dict) -> bool:
    """MONITORING=1 or 0 decides; unset, the stack keeps what its last `up` chose."""
    return bool(state.get("monitoring")) if config.monitoring is None else config.monitoring


def targets(config: StackConfig, replicas: int) -> list[dict]:
    """file_sd target groups: each service, each Appointment-MS replica with its `replica` name."""
    groups = []
    for service in SERVICES:
        if not service.present:
            continue
        for replica in range(1, (replicas if service.name == REPLICATED else 1) + 1):
            labels = {SERVICE_LABEL: service.name}
            if service.name == REPLICATED:
                labels["replica"] = f"{service.name}-{replica}"
            groups.append({"targets": [f"127.0.0.1:{config.port(service, replica)}"], "labels": labels})
    return groups


def write_targets(config: StackConfig, replicas: int) -> None:
    """Replace the targets file at once (rename), so Prometheus never reads half of it."""
    path = config.prometheus_dir / "targets.json"
    draft = path.with_suffix(".json.tmp")
    draft.write_text(json.dumps(targets(config, replicas), indent=2) + "\n")
    os.replace(draft, path)


def render_config(config: StackConfig) -> str:
    interval = config.prometheus_scrape_seconds
    targets_file = config.prometheus_dir / "targets.json"
    jobs = "".join(
        f"""
  - job_name: {service.name}
    file_sd_configs:
      - files: ["{targets_file}"]
        refresh_interval: 30s  # a fallback: file changes are noticed at once
    relabel_configs:
      - source_labels: [{SERVICE_LABEL}]
        regex: {service.name}
        action: keep
"""
        for service in SERVICES
        if service.present
    )
    return f"""# Rendered by tools/stack (make up MONITORING=1); targets.json is rewritten by up and scale.
global:
  scrape_interval: {interval}s
  scrape_timeout: {min(interval, 10)}s
  evaluation_interval: {interval}s

rule_files:
  - "{RULES}"

scrape_configs:{jobs}
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:{config.prometheus_port}"]
"""


def _binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed; run: bash tools/install-system-deps.sh prometheus")
    return found


def check_config(config: StackConfig) -> None:
    result = subprocess.run(
        [_binary("promtool"), "check", "config", str(config.prometheus_dir / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"the rendered Prometheus configuration is invalid:\n{result.stdout}{result.stderr}")


def write_monitoring(config: StackConfig, replicas: int) -> None:
    """The config, the targets and the supervised program (started by supervisord's next update)."""
    (config.prometheus_dir / "data").mkdir(parents=True, exist_ok=True)
    (config.prometheus_dir / "prometheus.yml").write_text(render_config(config))
    write_targets(config, replicas)
    check_config(config)
    command = (
        f"{_binary('prometheus')} --config.file={config.prometheus_dir / 'prometheus.yml'}"
        f" --storage.tsdb.path={config.prometheus_dir / 'data'} --storage.tsdb.retention.time=7d"
        f" --web.listen-address=127.0.0.1:{config.prometheus_port}"
    )
    block = program_block(
        PROGRAM, command=command, directory=config.prometheus_dir, environment={}, config=config
    )
    (config.programs_dir / f"{PROGRAM}.conf").write_text(block)


def remove_monitoring(config: StackConfig) -> None:
    """Drop the program (supervisord's next update stops it); its data stays for a later MONITORING=1."""
    (config.programs_dir / f"{PROGRAM}.conf").unlink(missing_ok=True)
