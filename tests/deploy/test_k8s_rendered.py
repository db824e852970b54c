"""The rendered overlays are what a cluster would accept and what the code expects.

Schemas first (kubernetes-validate --strict, offline), then what no schema can see: selectors that select,
probes and limits everywhere, ports that agree with the services' configs, every setting a service reads set
in Kubernetes, every Secret and key referenced and existing, rolling updates that outlast gunicorn's graceful
timeout. No cluster is needed: `kubectl kustomize` renders (tests/deploy/kustomize.py).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from gateway.entrypoint import UPSTREAMS
from tests.deploy.kustomize import (
    OVERLAYS,
    REPO,
    generated,
    label_of,
    named,
    of_kind,
    pod_templates,
    rendered,
    selector_matches,
)
from tests.deploy.service_settings import PORTS, secret_variables, settings_class

# The oldest Kubernetes the manifests promise (the preStop `sleep` action is on by default since 1.30) and
# the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
OURS = (*PORTS, "gateway")
# Secrets that the cluster provides, not the overlays: the Ingress's certificate (e.g. from cert-manager).
PROVIDED_BY_THE_CLUSTER = {"hospital-tls"}


def containers(template: dict) -> list[dict]:
    spec = template["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def deployment(documents: list[dict], name: str) -> dict:
    return named(documents, "Deployment", name)


def server_of(documents: list[dict], name: str) -> dict:
    (container,) = deployment(documents, name)["spec"]["template"]["spec"]["containers"]
    return container


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_each_overlay_passes_the_strict_schema_of_a_current_kubernetes(
    overlay: str, version: str
) -> None:
    problems = []
    for document in rendered(overlay):
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{document['kind']}/{document['metadata']['name']}: {error.message}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_has_every_service_with_its_service_account_and_migration_job(overlay: str) -> None:
    documents = rendered(overlay)
    names = {(d["kind"], d["metadata"]["name"]) for d in documents}
    for service in OURS:
        assert {("Deployment", service), ("Service", service), ("ServiceAccount", service)} <= names
        assert deployment(documents, service)["spec"]["template"]["spec"]["serviceAccountName"] == service
    for service in PORTS:
        job = named(documents, "Job", f"{service}-migrate")
        assert job["spec"]["template"]["spec"]["serviceAccountName"] == service
        assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["alembic", "upgrade", "head"]
    assert ("Ingress", "gateway") in names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_selector_selects_the_pods_it_is_meant_for(overlay: str) -> None:
    documents = rendered(overlay)
    templates = [template for _, template in pod_templates(documents)]
    for workload in of_kind(documents, "Deployment", "StatefulSet"):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selector_matches(workload["spec"]["selector"], labels), workload["metadata"]["name"]
    for service in of_kind(documents, "Service"):
        selector = {"matchLabels": service["spec"]["selector"]}
        selected = [t for t in templates if selector_matches(selector, t["metadata"]["labels"])]
        assert selected, f"Service {service['metadata']['name']} selects no pod"
        for port in service["spec"]["ports"]:
            for template in selected:
                offered = {p.get("name") for c in containers(template) for p in c.get("ports", [])}
                offered |= {p["containerPort"] for c in containers(template) for p in c.get("ports", [])}
                assert port["targetPort"] in offered, f"Service {service['metadata']['name']}: {port}"
    for statefulset in of_kind(documents, "StatefulSet"):
        named(documents, "Service", statefulset["spec"]["serviceName"])
    for budget in of_kind(documents, "PodDisruptionBudget"):
        assert any(selector_matches(budget["spec"]["selector"], t["metadata"]["labels"]) for t in templates)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_long_running_pod_is_probed_limited_and_locked_down(overlay: str) -> None:
    for workload, template in pod_templates(rendered(overlay)):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        assert template["spec"]["securityContext"]["runAsNonRoot"] is True, name
        volumes = {volume["name"]: volume for volume in template["spec"].get("volumes", [])}
        for container in containers(template):
            if workload["kind"] != "Job":
                assert {"readinessProbe", "livenessProbe"} <= set(container), name
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{name} {kind}"
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in volumes or mount["name"] in {
                    claim["metadata"]["name"] for claim in workload["spec"].get("volumeClaimTemplates", [])
                }, f"{name} mounts {mount['name']}, which it does not have"


def graceful_timeout(path: Path) -> int | None:
    """`graceful_timeout = N` in a gunicorn config file, read without running it (it sets os.environ)."""
    for node in ast.parse(path.read_text()).body:
        targets = [getattr(target, "id", None) for target in getattr(node, "targets", [])]
        if isinstance(node, ast.Assign) and "graceful_timeout" in targets:
            return ast.literal_eval(node.value)
    return None


def gateway_request_timeout() -> int:
    template = (REPO / "gateway" / "nginx" / "gateway.conf.template").read_text()
    return max(int(seconds) for seconds in re.findall(r"proxy_(?:read|send)_timeout (\d+)s;", template))


def test_the_gunicorn_graceful_timeout_is_the_shared_one() -> None:
    shared = graceful_timeout(REPO / "shared" / "src" / "hospital_shared" / "gunicorn_config.py")
    assert shared == 20
    for service in PORTS:
        assert graceful_timeout(REPO / "services" / service / "gunicorn.conf.py") in (None, shared)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_rolling_update_never_drops_a_request_in_flight(overlay: str) -> None:
    shared = graceful_timeout(REPO / "shared" / "src" / "hospital_shared" / "gunicorn_config.py")
    stop_within = {service: shared for service in PORTS} | {"gateway": gateway_request_timeout()}
    documents = rendered(overlay)
    for service, timeout in stop_within.items():
        workload = deployment(documents, service)
        strategy = workload["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate"
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, service
        assert strategy["rollingUpdate"]["maxSurge"] >= 1, service
        pause = server_of(documents, service)["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pause >= 5, f"{service}: endpoints need a moment to forget a terminating pod"
        grace = workload["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace > pause + timeout, f"{service}: SIGKILL would cut requests gunicorn/nginx still finish"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ports_agree_with_the_services_configs_the_gateway_and_the_image(overlay: str) -> None:
    documents = rendered(overlay)
    config = generated(documents, "ConfigMap", "hospital-config")["data"]
    gateway_env = {e["name"]: e.get("value") for e in server_of(documents, "gateway")["env"]}
    dockerfile = (REPO / "services" / "Dockerfile").read_text()
    for service, port in PORTS.items():
        container = server_of(documents, service)
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["BIND"] == f"0.0.0.0:{port}"
        assert [p["containerPort"] for p in container["ports"]] == [port]
        annotations = deployment(documents, service)["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(port)
        (service_port,) = named(documents, "Service", service)["spec"]["ports"]
        assert service_port["port"] == port
        assert gateway_env[f"{service.upper()}_UPSTREAMS"] == f"{service}:{port}"
        assert config[f"{service.upper()}_INTERNAL_URL"] == f"http://{service}:{port}"
        assert f"AS service-{service}\nENV BIND=0.0.0.0:{port}\n" in dockerfile, "services/Dockerfile's port"
    assert {f"{name.upper()}_UPSTREAMS" for name in UPSTREAMS} <= set(gateway_env)


def settings_of(service: str) -> list[dataclasses.Field]:
    return list(dataclasses.fields(settings_class(service)))


ENVIRON_READS = {"os.environ.get", "os.environ.setdefault"}


def variables_gunicorn_reads() -> set[str]:
    """The names gunicorn_config.py reads with os.environ.get / [...] / setdefault (found in its source)."""
    tree = ast.parse((REPO / "shared" / "src" / "hospital_shared" / "gunicorn_config.py").read_text())
    return {
        node.args[0].value if isinstance(node, ast.Call) else node.slice.value
        for node in ast.walk(tree)
        if (
            (isinstance(node, ast.Call) and ast.unparse(node.func) in ENVIRON_READS)
            or (isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ")
        )
    }


def words(text: str) -> list[str]:
    return text.split()


# Settings a pod may leave to the service's built-in default: tuning knobs and features that are off or
# derived when unset. Nothing that names an address or a secret (test below): those defaults are loopback
# or development values, right for a laptop and wrong in a pod.
LEFT_TO_DEFAULTS = {
    *words("SERVICE_NAME DB_POOL_SIZE GUNICORN_THREADS"),
    # Auth-MS: sessions, sign-in limits, mail links, MFA, account events, Google sign-in (off without an id)
    *words(
        "SESSION_COOKIE_NAME SESSION_COOKIE_SECURE SESSION_COOKIE_SAMESITE SESSION_IDLE_SECONDS "
        "SESSION_ABSOLUTE_SECONDS BCRYPT_ROUNDS LOGIN_ACCOUNT_MAX_FAILURES LOGIN_ACCOUNT_WINDOW_SECONDS "
        "LOGIN_ACCOUNT_MAX_LOCK_SECONDS LOGIN_IP_MAX_FAILURES LOGIN_IP_WINDOW_SECONDS SMTP_TIMEOUT_SECONDS "
        "MAIL_IN_BACKGROUND MAIL_RESEND_SECONDS PASSWORD_RESET_TTL_SECONDS EMAIL_VERIFY_TTL_SECONDS "
        "SET_PASSWORD_TTL_SECONDS STAFF_MFA_REQUIRED MFA_ISSUER MFA_CHALLENGE_TTL_SECONDS "
        "ACCOUNT_EVENTS_STREAM OUTBOX_RELAY_ENABLED OUTBOX_RELAY_INTERVAL_SECONDS OUTBOX_RELAY_BATCH_SIZE "
        "SPA_URL OIDC_CLIENT_ID OIDC_REDIRECT_URI OIDC_SCOPES OIDC_STATE_TTL_SECONDS OIDC_CLOCK_SKEW_SECONDS "
        "OIDC_HTTP_TIMEOUT_SECONDS"
    ),
    # Patient-MS and Doctor-MS
    *words(
        "APPOINTMENT_TIMEOUT_SECONDS AUTH_TIMEOUT_SECONDS DOCTOR_EVENTS_STREAM DIRECTORY_CACHE_TTL_SECONDS "
        "ACCOUNT_EVENTS_ENABLED"
    ),
    # Appointment-MS: slots and holds, the slot cache (CACHE_REDIS_URL empty = REDIS_URL), mail, replicas,
    # webhooks (private targets refused)
    *words(
        "PROJECTION_CONSUMER_ENABLED HOLD_MINUTES GUEST_HOLDS_PER_CLIENT CACHE_REDIS_URL "
        "SLOT_CACHE_SECONDS MAIL_RELAY_ENABLED MAIL_RELAY_INTERVAL_SECONDS MAIL_RELAY_BATCH_SIZE "
        "MAIL_RETRY_FIRST_SECONDS MAIL_RETRY_MAX_SECONDS INTEGRATION_ACCOUNT_CACHE_SECONDS "
        "READINESS_PROBE_TIMEOUT_SECONDS REPLICA_HEARTBEAT_ENABLED REPLICA_HEARTBEAT_SECONDS "
        "REPLICA_HEARTBEAT_TTL_SECONDS REPLICA_REGISTRY_KEY WEBHOOK_DISPATCH_ENABLED "
        "WEBHOOK_DISPATCH_INTERVAL_SECONDS WEBHOOK_WORKERS WEBHOOK_PER_ENDPOINT "
        "WEBHOOK_CONNECT_TIMEOUT_SECONDS WEBHOOK_READ_TIMEOUT_SECONDS WEBHOOK_RETRY_FIRST_SECONDS "
        "WEBHOOK_RETRY_MAX_SECONDS WEBHOOK_RETRY_HOURS WEBHOOK_ALLOW_PRIVATE_TARGETS WEBHOOK_CA_BUNDLE"
    ),
}


def reads(service: str) -> set[str]:
    return {field.name.upper() for field in settings_of(service)} | variables_gunicorn_reads()


def environment_of(documents: list[dict], container: dict) -> set[str]:
    names = {variable["name"] for variable in container.get("env", [])}
    for source in container.get("envFrom", []):
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in source:
                names |= set(named(documents, kind, source[key]["name"]).get("data", {}))
    return names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_setting_a_service_reads_is_set_in_kubernetes_or_safe_to_leave_unset(overlay: str) -> None:
    documents = rendered(overlay)
    for service in PORTS:
        unset = reads(service) - environment_of(documents, server_of(documents, service))
        assert unset <= LEFT_TO_DEFAULTS, f"{service} reads {sorted(unset - LEFT_TO_DEFAULTS)}, unset in k8s"
        (migrate,) = named(documents, "Job", f"{service}-migrate")["spec"]["template"]["spec"]["containers"]
        assert "DATABASE_URL" in environment_of(documents, migrate)


def test_nothing_left_to_its_default_is_an_address_or_a_secret_and_every_entry_is_read() -> None:
    fields = [field for service in PORTS for field in settings_of(service)]
    read = {field.name.upper() for field in fields} | variables_gunicorn_reads()
    assert read >= LEFT_TO_DEFAULTS, f"no service reads {sorted(LEFT_TO_DEFAULTS - read)}"
    secrets = {name for service in PORTS for name in secret_variables(service)}
    assert not secrets & LEFT_TO_DEFAULTS
    address = re.compile(r"://|@|127\.0\.0\.1|localhost|^[\w.-]+:\d+$")
    for field in fields:
        if field.name.upper() in LEFT_TO_DEFAULTS:
            assert not address.search(str(field.default)), f"{field.name}={field.default} names an address"


def secret_references(documents: list[dict]) -> tuple[set[tuple[str, str]], set[str]]:
    """(secret, key) pairs read one by one, and secrets read whole (envFrom, volumes, TLS)."""
    keys, whole = set(), set()
    for _, template in pod_templates(documents):
        for container in containers(template):
            for variable in container.get("env", []):
                if reference := variable.get("valueFrom", {}).get("secretKeyRef"):
                    keys.add((reference["name"], reference["key"]))
            whole |= {s["secretRef"]["name"] for s in container.get("envFrom", []) if "secretRef" in s}
        whole |= {v["secret"]["secretName"] for v in template["spec"].get("volumes", []) if "secret" in v}
    for ingress in of_kind(documents, "Ingress"):
        whole |= {tls["secretName"] for tls in ingress["spec"].get("tls", [])}
    return keys, whole


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_key_read_exists_and_every_secret_and_key_is_read(overlay: str) -> None:
    documents = rendered(overlay)
    secrets = {s["metadata"]["name"]: set(s.get("data", {})) for s in of_kind(documents, "Secret")}
    keys, whole = secret_references(documents)
    for secret, key in keys:
        assert key in secrets.get(secret, set()), f"a pod reads {key} from {secret}, which has no such key"
    assert whole - set(secrets) <= PROVIDED_BY_THE_CLUSTER
    for secret, data in secrets.items():
        if secret in whole:
            continue
        read_here = {key for name, key in keys if name == secret}
        assert read_here, f"no pod reads the Secret {secret}"
        assert data <= read_here, f"{secret} holds {sorted(data - read_here)}, which no pod reads"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_config_map_a_pod_reads_exists_with_the_keys_it_reads_and_none_is_unused(overlay: str) -> None:
    documents = rendered(overlay)
    maps = {m["metadata"]["name"]: set(m.get("data", {})) for m in of_kind(documents, "ConfigMap")}
    used = set()
    for _, template in pod_templates(documents):
        for container in containers(template):
            for variable in container.get("env", []):
                if reference := variable.get("valueFrom", {}).get("configMapKeyRef"):
                    assert reference["key"] in maps[reference["name"]], reference
                    used.add(reference["name"])
            used |= {s["configMapRef"]["name"] for s in container.get("envFrom", []) if "configMapRef" in s}
        used |= {v["configMap"]["name"] for v in template["spec"].get("volumes", []) if "configMap" in v}
    assert used <= set(maps)
    assert set(maps) <= used, f"no pod reads {sorted(set(maps) - used)}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_autoscaler_scales_appointment_on_its_cpu_request_and_a_drain_keeps_one(overlay: str) -> None:
    documents = rendered(overlay)
    hpa = named(documents, "HorizontalPodAutoscaler", "appointment")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "appointment")
    assert "replicas" not in deployment(documents, "appointment")["spec"], "the autoscaler owns the count"
    requests = server_of(documents, "appointment")["resources"]["requests"]
    assert "cpu" in requests, "Utilization is a share of the CPU request"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 60
    budget = named(documents, "PodDisruptionBudget", "appointment")
    assert budget["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "else no drain could ever evict one"
    labels = deployment(documents, "appointment")["spec"]["template"]["metadata"]["labels"]
    assert selector_matches(budget["spec"]["selector"], labels)


def test_kubernetes_runs_the_images_compose_builds() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    built = {service["image"].split(":")[0] for service in compose["services"].values() if "build" in service}
    ours = {
        container["image"]
        for _, template in pod_templates(rendered("dev"))
        for container in containers(template)
        if container["image"].startswith("hospital/")
    }
    assert {image.split(":")[0] for image in ours} == built == {f"hospital/{name}" for name in OURS}


def test_the_dev_overlay_runs_the_stores_in_the_cluster_and_prod_runs_none() -> None:
    apps = {overlay: {label_of(t) for _, t in pod_templates(rendered(overlay))} for overlay in OVERLAYS}
    assert {"postgres", "redis", "mailpit"} <= apps["dev"]
    assert not {"postgres", "redis", "mailpit"} & apps["prod"]
    prod = generated(rendered("prod"), "Secret", "hospital-secrets")
    assert prod["metadata"]["name"].startswith("hospital-secrets-"), "a new Secret rolls the pods"
