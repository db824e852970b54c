"""docker-compose.yml and k8s/ hang together: files they name exist, every service is probed and locked down.

Pure file checks (PyYAML only), so they run in `make test` without Docker or a cluster. The full checks are
`docker compose config` and `kubectl kustomize k8s/overlays/<name>` (see k8s/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from gateway.render import upstream_names
from tests.deploy.service_settings import SERVICE_NAMES

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "k8s"
KUSTOMIZATIONS = sorted(K8S.rglob("kustomization.yaml"))
OVERLAYS = sorted(path.parent for path in (K8S / "overlays").glob("*/kustomization.yaml"))
# Written by whoever deploys, from the committed .example beside it.
GITIGNORED_INPUTS = {K8S / "overlays" / "prod" / "secrets.env"}


def load_all(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document is not None]


def kustomization(directory: Path) -> dict:
    return yaml.safe_load((directory / "kustomization.yaml").read_text())


def manifests_of(directory: Path) -> list[dict]:
    """The resources a kustomization lists, following nested kustomizations (no patches or generators)."""
    documents = []
    for entry in kustomization(directory).get("resources", []):
        target = (directory / entry).resolve()
        documents += manifests_of(target) if target.is_dir() else load_all(target)
    return documents


def env_keys(path: Path) -> set[str]:
    lines = path.read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line.strip() and not line.startswith("#")}


def pod_specs(documents: list[dict]) -> list[tuple[str, dict]]:
    return [
        (f"{document['kind']}/{document['metadata']['name']}", document["spec"]["template"]["spec"])
        for document in documents
        if document["kind"] in {"Deployment", "StatefulSet", "Job"}
    ]


BASE = manifests_of(K8S / "base")
SERVICE_WORKLOADS = pod_specs(BASE)  # our own pods; the dev overlay's PostgreSQL, Redis and Mailpit are not
WEB_SERVERS = SERVICE_NAMES


def test_there_is_a_base_and_a_dev_and_a_prod_overlay() -> None:
    assert K8S / "base" / "kustomization.yaml" in KUSTOMIZATIONS
    assert [overlay.name for overlay in OVERLAYS] == ["dev", "prod"]


def test_every_yaml_file_under_k8s_parses() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) > len(KUSTOMIZATIONS)
    for path in files:
        assert load_all(path), f"{path.relative_to(REPO)} is empty"


@pytest.mark.parametrize("path", KUSTOMIZATIONS, ids=lambda p: str(p.parent.relative_to(REPO)))
def test_every_file_a_kustomization_names_exists(path: Path) -> None:
    directory = path.parent
    spec = yaml.safe_load(path.read_text())
    named = list(spec.get("resources", [])) + [patch["path"] for patch in spec.get("patches", [])]
    for generator in spec.get("configMapGenerator", []) + spec.get("secretGenerator", []):
        named += generator.get("envs", []) + generator.get("files", [])
    for entry in named:
        target = (directory / entry).resolve()
        if target in GITIGNORED_INPUTS:
            assert target.with_name(target.name + ".example").exists(), f"{entry} has no .example"
            continue
        assert target.exists(), f"{path.relative_to(REPO)} names {entry}, which does not exist"
        if target.is_dir():
            assert (target / "kustomization.yaml").exists(), f"{entry} is a folder without kustomization.yaml"


def test_the_production_secrets_file_is_git_ignored() -> None:
    ignore = (K8S / "overlays" / "prod" / ".gitignore").read_text().split()
    assert "secrets.env" in ignore


def test_each_service_has_a_deployment_a_service_and_a_migration_job() -> None:
    names = {(document["kind"], document["metadata"]["name"]) for document in BASE}
    for service in WEB_SERVERS:
        assert {("Deployment", service), ("Service", service), ("Job", f"{service}-migrate")} <= names
    assert {("Deployment", "gateway"), ("Service", "gateway"), ("Ingress", "gateway")} <= names


def test_appointment_scales_between_two_and_ten_replicas_on_cpu() -> None:
    (hpa,) = [document for document in BASE if document["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "appointment"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    (deployment,) = [d for d in BASE if d["kind"] == "Deployment" and d["metadata"]["name"] == "appointment"]
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    assert any(d["kind"] == "PodDisruptionBudget" and d["metadata"]["name"] == "appointment" for d in BASE)


@pytest.mark.parametrize(("name", "spec"), SERVICE_WORKLOADS, ids=[name for name, _ in SERVICE_WORKLOADS])
def test_every_pod_runs_as_non_root_on_a_read_only_filesystem_within_limits(name: str, spec: dict) -> None:
    assert spec["securityContext"]["runAsNonRoot"] is True
    mounts_of_volume = {volume["name"]: volume for volume in spec.get("volumes", [])}
    for container in spec["containers"]:
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert {"requests", "limits"} <= set(container["resources"]), name
        tmp = [mount for mount in container.get("volumeMounts", []) if mount["mountPath"] == "/tmp"]
        assert tmp and "emptyDir" in mounts_of_volume[tmp[0]["name"]], f"{name} needs an emptyDir at /tmp"


def test_every_web_server_is_probed_and_scraped() -> None:
    deployments = [d for d in BASE if d["kind"] == "Deployment" and d["metadata"]["name"] in WEB_SERVERS]
    assert len(deployments) == len(WEB_SERVERS)
    for document in deployments:
        template = document["spec"]["template"]
        (container,) = template["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        port = str(container["ports"][0]["containerPort"])
        assert template["metadata"]["annotations"]["prometheus.io/port"] == port
        assert template["metadata"]["annotations"]["prometheus.io/scrape"] == "true"


def test_every_secret_key_a_pod_reads_is_in_the_placeholders_and_the_production_example() -> None:
    placeholders = env_keys(K8S / "base" / "secrets.placeholder.env")
    production = env_keys(K8S / "overlays" / "prod" / "secrets.env.example")
    for name, spec in SERVICE_WORKLOADS:
        for container in spec["containers"]:
            for variable in container.get("env", []):
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference and reference["name"] == "hospital-secrets":
                    assert reference["key"] in placeholders, f"{name} reads {reference['key']}"
                    assert reference["key"] in production, f"{name} reads {reference['key']}"


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_each_overlay_sets_every_image_of_ours(overlay: Path) -> None:
    ours = {
        container["image"]
        for _, spec in SERVICE_WORKLOADS
        for container in spec["containers"]
        if container["image"].startswith("hospital/")
    }
    set_here = {image["name"] for image in kustomization(overlay)["images"] if "newTag" in image}
    assert ours == set_here


# docker-compose.yml

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_builds_every_image_from_a_dockerfile_that_exists() -> None:
    built = [service for service in SERVICES.values() if "build" in service]
    assert len(built) >= 5
    for service in built:
        assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).exists()


def test_compose_mounts_the_same_database_init_script_as_kubernetes() -> None:
    volumes = SERVICES["postgres"]["volumes"]
    assert "./k8s/base/postgres/init.sql:/docker-entrypoint-initdb.d/init.sql:ro" in volumes
    databases = re.findall(r"CREATE DATABASE (\w+);", (K8S / "base" / "postgres" / "init.sql").read_text())
    assert databases == ["auth", "patients", "doctors", "appointments"]


def test_compose_waits_for_health_and_for_migrations() -> None:
    for name, service in SERVICES.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{name} waits on {dependency}'s healthcheck"
            else:
                assert rule["condition"] == "service_completed_successfully"
                assert dependency.endswith("-migrate")
    for service in WEB_SERVERS:
        assert SERVICES[service]["depends_on"][f"{service}-migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert SERVICES[f"{service}-migrate"]["command"] == ["alembic", "upgrade", "head"]


def test_compose_requires_the_internal_token_and_runs_two_appointment_replicas() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    assert "${INTERNAL_TOKEN:?" in text
    assert "INTERNAL_TOKEN: dev" not in text
    assert SERVICES["appointment"]["deploy"]["replicas"] == 2


def test_compose_and_kubernetes_gateways_believe_x_forwarded_for_only_from_their_proxies() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert compose["services"]["gateway"]["environment"]["GATEWAY_TRUSTED_PROXIES"] == (
        "${GATEWAY_TRUSTED_PROXIES:-172.16.0.0/12}"
    )
    gateway = next(d for d in BASE if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    env = {e["name"]: e for e in gateway["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["GATEWAY_TRUSTED_PROXIES"]["value"] == "10.0.0.0/8"
    assert env["ENVIRONMENT"]["valueFrom"]["configMapKeyRef"] == {
        "name": "hospital-config",
        "key": "ENVIRONMENT",
    }


def test_the_gateway_routes_to_exactly_the_services_the_stack_runs() -> None:
    # The service list is written once (tools/stack/config.py); the gateway's upstreams must follow it.
    assert sorted(upstream_names()) == sorted(SERVICE_NAMES)
