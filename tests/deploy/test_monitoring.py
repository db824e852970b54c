"""The monitoring config every setup shares (k8s/base/monitoring/) is valid, its rules fire when they should,
and it reads only metrics the services expose.

promtool (Debian's prometheus package; `make monitoring-deps`, a prerequisite of `make test`) checks the
compose scrape config and the native stack's rendered one, the rules, and runs the rules' unit tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.stack.config import StackConfig
from tools.stack.monitoring import RULES, render_config, write_targets

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "k8s" / "base" / "monitoring"
RULE_TESTS = MONITORING / "rules" / "hospital.rules.test.yml"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "hospital.json"
SOURCES = [*REPO.glob("services/*/src/**/*.py"), *REPO.glob("shared/src/**/*.py")]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which("promtool")
    if found is None:
        message = "promtool is missing: make monitoring-deps (Debian's prometheus)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    result = subprocess.run([found, *args], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_rules_are_valid() -> None:
    promtool("check", "rules", str(RULES))


def test_the_rules_unit_tests_pass() -> None:
    print(promtool("test", "rules", str(RULE_TESTS)).stdout)


def test_the_compose_scrape_config_is_valid_and_finds_its_rules() -> None:
    output = promtool("check", "config", str(MONITORING / "prometheus.compose.yml")).stdout
    assert "1 rule files found" in output


def test_the_native_stack_renders_a_valid_config_over_the_repositorys_rules(tmp_path: Path) -> None:
    config = StackConfig(stack_dir=tmp_path, prometheus_port=19090, prometheus_scrape_seconds=2)
    config.prometheus_dir.mkdir()
    (config.prometheus_dir / "prometheus.yml").write_text(render_config(config))
    write_targets(config, 3)

    output = promtool("check", "config", str(config.prometheus_dir / "prometheus.yml")).stdout

    assert "1 rule files found" in output
    rendered = yaml.safe_load((config.prometheus_dir / "prometheus.yml").read_text())
    assert rendered["rule_files"] == [str(RULES)]
    assert rendered["global"]["scrape_timeout"] == "2s"  # never longer than the interval


def test_the_native_targets_name_each_appointment_replica(tmp_path: Path) -> None:
    config = StackConfig(stack_dir=tmp_path)
    config.prometheus_dir.mkdir()

    write_targets(config, 3)
    groups = json.loads((config.prometheus_dir / "targets.json").read_text())

    replicas = [g["labels"]["replica"] for g in groups if g["labels"]["__hospital_service"] == "appointment"]
    assert replicas == ["appointment-1", "appointment-2", "appointment-3"]
    services = {g["labels"]["__hospital_service"] for g in groups}
    assert services == {"auth", "patient", "doctor", "appointment"}


def _expressions() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def _dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def test_every_metric_the_rules_and_dashboard_read_is_exposed_by_a_service() -> None:
    source = "\n".join(path.read_text() for path in SOURCES)
    names = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for expr in _expressions() + _dashboard_expressions()
        for name in re.findall(r"(?<![:\w])([a-z][a-z_]*_(?:total|seconds_bucket|events|backlog))\b", expr)
    }
    assert names, "no metric names found in the rules"
    missing = sorted(name for name in names if f'"{name}"' not in source)
    assert not missing, f"rules or dashboard read metrics no service exposes: {missing}"


def test_the_dashboard_reads_only_series_the_rules_record() -> None:
    recorded = {
        rule["record"]
        for group in yaml.safe_load(RULES.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }
    used = {
        name
        for expr in _dashboard_expressions()
        for name in re.findall(r"[a-z_]+:[a-z_0-9]+:[a-z_0-9]+", expr)
    }
    assert used - recorded == set()


def test_the_dashboard_shows_what_the_operators_asked_for() -> None:
    titles = " | ".join(panel["title"].lower() for panel in json.loads(DASHBOARD.read_text())["panels"])
    for wanted in (
        "request rate",
        "errors",
        "p50 / p95 / p99",
        "slot search",
        "bookings",
        "holds",
        "replicas up",
    ):
        assert wanted in titles, wanted
