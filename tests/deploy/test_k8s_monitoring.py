"""The dev overlay's Prometheus: it finds every service pod, scrapes it where it serves /metrics, may list
pods, and evaluates the one rules file every setup uses (k8s/base/monitoring/rules/hospital.rules.yml).

Debian's promtool is built without Kubernetes discovery, so `promtool check config` runs on a copy whose
pod discovery is swapped for a static target; the discovery itself is checked by replaying the relabelling
on the rendered pods below.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.kustomize import K8S, generated, named, rendered
from tests.deploy.service_settings import PORTS

RULES = K8S / "base" / "monitoring" / "rules" / "hospital.rules.yml"


def prometheus_config() -> dict:
    return yaml.safe_load(
        generated(rendered("dev"), "ConfigMap", "prometheus-config")["data"]["prometheus.yml"]
    )


def sanitized(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def discovered(template: dict, *, ip: str, port: int) -> dict[str, str]:
    """The labels role: pod gives one container port of a running pod, as Prometheus builds them."""
    meta = template["metadata"]
    labels = {
        "__address__": f"{ip}:{port}",
        "__meta_kubernetes_namespace": "hospital-dev",
        "__meta_kubernetes_pod_name": f"{meta['labels']['app']}-7d9f8-x2x4k",
        "__meta_kubernetes_pod_ip": ip,
        "__meta_kubernetes_pod_phase": "Running",
        "__metrics_path__": "/metrics",
    }
    labels |= {f"__meta_kubernetes_pod_label_{sanitized(k)}": v for k, v in meta["labels"].items()}
    labels |= {
        f"__meta_kubernetes_pod_annotation_{sanitized(k)}": v for k, v in meta.get("annotations", {}).items()
    }
    return labels


def relabel(labels: dict[str, str], rules: list[dict]) -> dict[str, str] | None:
    """Prometheus's keep / drop / replace relabelling (the actions the config uses)."""
    for rule in rules:
        value = rule.get("separator", ";").join(
            labels.get(name, "") for name in rule.get("source_labels", [])
        )
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        action = rule.get("action", "replace")
        if action == "keep" and not match:
            return None
        if action == "drop" and match:
            return None
        if action == "replace" and match:
            replacement = re.sub(r"\$(\d+)", r"\\\1", rule.get("replacement", "$1"))
            labels[rule["target_label"]] = match.expand(replacement)
    return labels


def targets(ip: str) -> dict[str, dict[str, str]]:
    (job,) = [job for job in prometheus_config()["scrape_configs"] if "kubernetes_sd_configs" in job]
    found = {}
    for document in rendered("dev"):
        if document["kind"] not in {"Deployment", "StatefulSet", "Job"}:
            continue
        template = document["spec"]["template"]
        for container in template["spec"]["containers"]:
            for port in container.get("ports", []):
                labels = relabel(
                    discovered(template, ip=ip, port=port["containerPort"]), job["relabel_configs"]
                )
                if labels is not None:
                    found[f"{labels['job']} {labels['__address__']}"] = labels
    return found


@pytest.mark.parametrize("ip", ["10.244.1.17", "fd00:10:244::11"])
def test_prometheus_discovers_each_service_pod_at_its_metrics_port_by_annotation(ip: str) -> None:
    address = f"[{ip}]" if ":" in ip else ip
    found = targets(ip)
    assert set(found) == {f"{service} {address}:{port}" for service, port in PORTS.items()}
    for labels in found.values():
        assert labels["__metrics_path__"] == "/metrics"
        assert labels["instance"].startswith(labels["job"] + "-"), "one series per pod, named after it"
        assert labels["replica"] == labels["instance"], "the label compose's replicas carry too"


def test_prometheus_evaluates_exactly_the_one_rules_file() -> None:
    documents = rendered("dev")
    rules = generated(documents, "ConfigMap", "prometheus-rules")
    assert rules["data"] == {"hospital.rules.yml": RULES.read_text()}
    assert prometheus_config()["rule_files"] == ["/etc/prometheus/rules/*.yml"]
    spec = named(documents, "Deployment", "prometheus")["spec"]["template"]["spec"]
    mounts = {m["name"]: m["mountPath"] for m in spec["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v.get("configMap", {}).get("name") for v in spec["volumes"]}
    assert mounts["rules"] == "/etc/prometheus/rules"
    assert volumes["rules"] == rules["metadata"]["name"]


def test_prometheus_may_list_and_watch_the_pods_of_its_namespace_and_nothing_more() -> None:
    documents = rendered("dev")
    spec = named(documents, "Deployment", "prometheus")["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "prometheus"
    assert spec["automountServiceAccountToken"] is True
    binding = named(documents, "RoleBinding", "prometheus")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "prometheus", "namespace": "hospital-dev"}
    ]
    role = named(documents, binding["roleRef"]["kind"], binding["roleRef"]["name"])
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]
    (job,) = [job for job in prometheus_config()["scrape_configs"] if "kubernetes_sd_configs" in job]
    assert job["kubernetes_sd_configs"] == [{"role": "pod", "namespaces": {"own_namespace": True}}]


def test_promtool_accepts_the_configuration(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: apt-get install prometheus (Debian's package)", pytrace=False)
    config = prometheus_config()
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None):
            job["static_configs"] = [{"targets": ["10.244.1.17:5004"]}]
    config["rule_files"] = [str(tmp_path / "rules" / "*.yml")]
    (tmp_path / "rules").mkdir()
    shutil.copy(RULES, tmp_path / "rules" / RULES.name)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [promtool, "check", "config", str(tmp_path / "prometheus.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
