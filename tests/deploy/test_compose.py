"""docker-compose.yml: valid for Compose and its schema, and true to the services it runs.

No Docker engine is needed: `docker-compose config` (Debian's docker-compose) interpolates and merges the
file, check-jsonschema validates it against the vendored Compose Specification schema, and the tests below
check what no schema can: ports, environment, secrets, healthchecks and start order against the code.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy.service_settings import (
    GUNICORN_VARIABLES,
    MIGRATION_VARIABLES,
    PORTS,
    SERVICE_NAMES,
    secret_variables,
    settings_defaults,
)
from tools.stack.config import SERVICES

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"
MONITORING = REPO / "k8s" / "base" / "monitoring"

# Required from whoever runs compose, with ${VAR:?message}: the settings' secrets and the database password.
SECRETS = {"POSTGRES_PASSWORD"} | {name for service in SERVICE_NAMES for name in secret_variables(service)}
FAKE_SECRETS = {name: f"compose-test-{name.lower()}-0123456789" for name in SECRETS}

# Settings a compose service may leave to the code's default: tuning, stream names, feature switches and
# timeouts that are right for a local stack. Anything naming a host, a URL or a secret is set explicitly.
COMMON_SAFE_DEFAULTS = {"SERVICE_NAME", "DB_POOL_SIZE"}
SAFE_DEFAULTS = {
    "auth": {
        "ACCOUNT_EVENTS_STREAM", "BCRYPT_ROUNDS", "EMAIL_VERIFY_TTL_SECONDS", "LOGIN_ACCOUNT_MAX_FAILURES",
        "LOGIN_ACCOUNT_MAX_LOCK_SECONDS", "LOGIN_ACCOUNT_WINDOW_SECONDS", "LOGIN_IP_MAX_FAILURES",
        "LOGIN_IP_WINDOW_SECONDS", "MAIL_FROM", "MAIL_IN_BACKGROUND", "MAIL_RESEND_SECONDS",
        "MFA_CHALLENGE_TTL_SECONDS", "MFA_ISSUER", "OIDC_CLOCK_SKEW_SECONDS", "OIDC_HTTP_TIMEOUT_SECONDS",
        "OIDC_SCOPES", "OIDC_STATE_TTL_SECONDS", "OUTBOX_RELAY_BATCH_SIZE", "OUTBOX_RELAY_ENABLED",
        "OUTBOX_RELAY_INTERVAL_SECONDS", "PASSWORD_RESET_TTL_SECONDS", "SESSION_ABSOLUTE_SECONDS",
        "SESSION_COOKIE_NAME", "SESSION_COOKIE_SAMESITE", "SESSION_IDLE_SECONDS", "SET_PASSWORD_TTL_SECONDS",
        "SMTP_TIMEOUT_SECONDS", "SPA_URL", "STAFF_MFA_REQUIRED",
    },
    "patient": {"APPOINTMENT_TIMEOUT_SECONDS", "SEED_DEMO"},
    "doctor": {
        "ACCOUNT_EVENTS_ENABLED", "ACCOUNT_EVENTS_STREAM", "AUTH_TIMEOUT_SECONDS",
        "DIRECTORY_CACHE_TTL_SECONDS", "DOCTOR_EVENTS_STREAM", "OUTBOX_RELAY_BATCH_SIZE",
        "OUTBOX_RELAY_ENABLED", "OUTBOX_RELAY_INTERVAL_SECONDS", "SEED_DEMO",
    },
    "appointment": {
        # Unset INSTANCE_NAME: each replica calls itself appointment@<its container's hostname>.
        # Empty CACHE_REDIS_URL: the slot cache shares REDIS_URL. No WEBHOOK_CA_BUNDLE: the system's CAs.
        "INSTANCE_NAME", "CACHE_REDIS_URL", "WEBHOOK_CA_BUNDLE",
        "AUTH_TIMEOUT_SECONDS", "DOCTOR_EVENTS_STREAM", "GUEST_HOLDS_PER_CLIENT",
        "HOLD_MINUTES", "INTEGRATION_ACCOUNT_CACHE_SECONDS", "MAIL_FROM", "MAIL_RELAY_BATCH_SIZE",
        "MAIL_RELAY_ENABLED", "MAIL_RELAY_INTERVAL_SECONDS", "MAIL_RETRY_FIRST_SECONDS",
        "MAIL_RETRY_MAX_SECONDS",
        "PROJECTION_CONSUMER_ENABLED", "READINESS_PROBE_TIMEOUT_SECONDS", "REPLICA_HEARTBEAT_ENABLED",
        "REPLICA_HEARTBEAT_SECONDS", "REPLICA_HEARTBEAT_TTL_SECONDS", "REPLICA_REGISTRY_KEY",
        "SLOT_CACHE_SECONDS", "SMTP_TIMEOUT_SECONDS", "WEBHOOK_ALLOW_PRIVATE_TARGETS",
        "WEBHOOK_CONNECT_TIMEOUT_SECONDS", "WEBHOOK_DISPATCH_ENABLED", "WEBHOOK_DISPATCH_INTERVAL_SECONDS",
        "WEBHOOK_PER_ENDPOINT", "WEBHOOK_READ_TIMEOUT_SECONDS", "WEBHOOK_RETRY_FIRST_SECONDS",
        "WEBHOOK_RETRY_HOURS", "WEBHOOK_RETRY_MAX_SECONDS", "WEBHOOK_WORKERS",
    },
}  # fmt: skip
MONITORING_SERVICES = {"prometheus", "grafana"}
PROMETHEUS_RULES_MOUNT = "/etc/prometheus/rules/hospital.rules.yml"
GRAFANA_DASHBOARDS_MOUNT = "/var/lib/grafana/dashboards"


def docker_compose(*args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: `make system-deps` installs Debian's docker-compose")
    env = {key: value for key, value in os.environ.items() if key not in SECRETS}
    return subprocess.run(
        [binary, "--project-directory", str(REPO), "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        env=env | (FAKE_SECRETS if environ is None else environ),
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The file as Compose reads it: anchors merged, variables interpolated, every profile on."""
    result = docker_compose("--profile", "monitoring", "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def test_the_compose_file_passes_docker_compose_config() -> None:
    result = docker_compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_the_compose_file_follows_the_compose_specification_schema() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--schemafile", str(SCHEMA), str(COMPOSE_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(secret: str) -> None:
    result = docker_compose("config", "-q", environ={k: v for k, v in FAKE_SECRETS.items() if k != secret})
    assert result.returncode != 0
    assert f"set {secret}" in result.stderr  # the ${VAR:?message} says what to set


def test_every_secret_is_required_and_never_given_a_default() -> None:
    text = COMPOSE_FILE.read_text()
    for secret in SECRETS:
        assert f"${{{secret}:?" in text, f"{secret} must be required with ${{{secret}:?message}}"
        assert not re.search(rf"\$\{{{secret}:?-", text), f"{secret} must have no default"


def test_every_service_listens_on_its_own_port_wherever_it_is_named(services: dict[str, Any]) -> None:
    gateway = services["gateway"]["environment"]
    for name, port in PORTS.items():
        web = services[name]
        assert web["environment"]["BIND"] == f"0.0.0.0:{port}", name
        assert str(port) in web["expose"], name
        assert gateway[f"{name.upper()}_UPSTREAMS"] == f"{name}:{port}"
    # Whoever calls a service by its internal URL reaches it on that port.
    for service in services.values():
        for variable, value in service.get("environment", {}).items():
            if variable.endswith("_INTERNAL_URL"):
                target = urlsplit(value)
                assert target.port == PORTS[target.hostname], f"{variable}={value}"
                assert variable == f"{target.hostname.upper()}_INTERNAL_URL"


def test_each_image_is_built_from_the_one_services_dockerfile(services: dict[str, Any]) -> None:
    for name in SERVICE_NAMES:
        for container in (name, f"{name}-migrate"):
            build = services[container]["build"]
            assert build["dockerfile"] == "services/Dockerfile"
            assert build["args"] == {"SERVICE": name}
            assert services[container]["image"].startswith(f"hospital/{name}:")


def test_every_variable_a_service_reads_is_set_or_safely_defaulted(services: dict[str, Any]) -> None:
    for name in SERVICE_NAMES:
        environment = services[name]["environment"]
        defaults = settings_defaults(name)
        allowed = COMMON_SAFE_DEFAULTS | SAFE_DEFAULTS[name]
        assert allowed <= defaults.keys(), f"{name}: no such setting {sorted(allowed - defaults.keys())}"
        missing = sorted(variable for variable in defaults if variable not in environment.keys() | allowed)
        assert not missing, f"{name} reads {missing}: set them in docker-compose.yml or list them as safe"
        for variable in allowed:  # a default pointing at this machine is wrong inside a container
            assert not re.search(r"127\.0\.0\.1|localhost", str(defaults[variable])), f"{name}: {variable}"
        for variable in GUNICORN_VARIABLES:
            assert environment.get(variable), f"{name}: gunicorn reads {variable}"
        migrate = services[f"{name}-migrate"]["environment"]
        for variable in MIGRATION_VARIABLES:
            assert migrate[variable] == environment[variable], f"{name}-migrate: {variable}"


def test_the_services_reach_their_own_database_redis_and_mail_sink(services: dict[str, Any]) -> None:
    databases = {service.name: service.database for service in SERVICES}
    init_sql = (REPO / "k8s" / "base" / "postgres" / "init.sql").read_text()
    for name, database in databases.items():
        environment = services[name]["environment"]
        url = urlsplit(environment["DATABASE_URL"])
        assert (url.hostname, url.port, url.path) == ("postgres", 5432, f"/{database}")
        assert f"CREATE DATABASE {database};" in init_sql
        assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
        if "SMTP_URL" in settings_defaults(name):
            assert urlsplit(environment["SMTP_URL"]).hostname == "mailpit"
        assert environment["ENVIRONMENT"] == "dev"  # plain http on localhost


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    for name, service in services.items():
        one_shot = service.get("restart") == "no"
        healthcheck = service.get("healthcheck", {})
        if one_shot:
            continue
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no healthcheck"
    for name in SERVICE_NAMES:  # the web containers are healthy when ready, not merely alive
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"])


def test_each_web_container_starts_after_its_migrations_and_backing(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for dependency, how in service.get("depends_on", {}).items():
            one_shot = dependency.endswith("-migrate")
            expected = "service_completed_successfully" if one_shot else "service_healthy"
            assert how["condition"] == expected, f"{name} -> {dependency}"
    for name in SERVICE_NAMES:
        depends_on = services[name]["depends_on"]
        assert {f"{name}-migrate", "postgres", "redis"} <= depends_on.keys(), name
        migrate = services[f"{name}-migrate"]
        assert migrate["command"] == ["alembic", "upgrade", "head"]
        assert migrate["restart"] == "no"
        assert {"postgres", "redis"} <= migrate["depends_on"].keys()
    for name in ("auth", "appointment"):  # the two that send mail
        assert "mailpit" in services[name]["depends_on"]
    assert set(services["gateway"]["depends_on"]) == set(SERVICE_NAMES)


def test_gunicorn_is_given_longer_to_stop_than_it_takes_to_drain(services: dict[str, Any]) -> None:
    graceful = gunicorn_setting("graceful_timeout")
    for name in SERVICE_NAMES:
        service = services[name]
        assert service.get("stop_signal", "SIGTERM") == "SIGTERM"
        assert seconds(service["stop_grace_period"]) > graceful, name
    assert seconds(services["gateway"]["stop_grace_period"]) >= 30  # nginx's proxy_read_timeout


def test_only_the_gateway_is_published_beyond_this_machine(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for port in service.get("ports", []):
            published = port if isinstance(port, dict) else {"host_ip": str(port).rsplit(":", 2)[0]}
            if name == "gateway":
                assert str(port.get("target") if isinstance(port, dict) else port).endswith("8080")
            else:
                assert published.get("host_ip") == "127.0.0.1", f"{name} publishes {port}"
    assert "ports" in services["gateway"]


def test_the_gateway_follows_replicas_through_dockers_dns(services: dict[str, Any]) -> None:
    gateway = services["gateway"]["environment"]
    assert gateway["GATEWAY_RESOLVER"] == "127.0.0.11"  # Docker's embedded DNS on every user network
    assert "ports" not in services["appointment"]  # replicas publish nothing, so --scale never collides
    assert "container_name" not in services["appointment"]


def test_monitoring_runs_only_in_its_profile_from_the_shared_files(services: dict[str, Any]) -> None:
    for name, service in services.items():
        expected = ["monitoring"] if name in MONITORING_SERVICES else None
        assert service.get("profiles") == expected, name
    mounts = {
        name: {mount["target"]: Path(mount["source"]) for mount in binds(services[name])}
        for name in MONITORING_SERVICES
    }
    prometheus, grafana = mounts["prometheus"], mounts["grafana"]
    assert prometheus["/etc/prometheus/prometheus.yml"] == MONITORING / "prometheus.compose.yml"
    assert prometheus[PROMETHEUS_RULES_MOUNT] == MONITORING / "rules" / "hospital.rules.yml"
    assert grafana["/etc/grafana/provisioning"] == MONITORING / "grafana" / "provisioning"
    assert grafana[GRAFANA_DASHBOARDS_MOUNT] == MONITORING / "grafana" / "dashboards"
    for source in [*prometheus.values(), *grafana.values()]:
        if source.is_relative_to(REPO):
            assert source.exists(), f"{source.relative_to(REPO)} is mounted but missing"


def test_prometheus_finds_every_replica_and_loads_the_mounted_rules() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.compose.yml").read_text())
    # rule_files are relative to the config file, mounted at /etc/prometheus/prometheus.yml.
    patterns = [posixpath.join("/etc/prometheus", pattern) for pattern in config.get("rule_files", [])]
    assert any(fnmatch.fnmatch(PROMETHEUS_RULES_MOUNT, pattern) for pattern in patterns), patterns
    discovered: dict[str, int] = {}
    for job in config["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            assert sd.get("type", "SRV") == "A" and "port" in sd, job["job_name"]  # Docker's DNS has no SRV
            for name in sd["names"]:
                discovered[name] = sd["port"]
    assert discovered == PORTS  # every service, on its port, by name: replicas come with --scale


def test_grafana_reads_the_mounted_dashboards_and_the_compose_prometheus() -> None:
    provisioning = MONITORING / "grafana" / "provisioning"
    providers = [
        provider
        for path in sorted((provisioning / "dashboards").glob("*.y*ml"))
        for provider in yaml.safe_load(path.read_text()).get("providers", [])
    ]
    assert [p["options"]["path"] for p in providers] == [GRAFANA_DASHBOARDS_MOUNT]
    datasources = [
        source
        for path in sorted((provisioning / "datasources").glob("*.y*ml"))
        for source in yaml.safe_load(path.read_text()).get("datasources", [])
    ]
    prometheus = [source for source in datasources if source["type"] == "prometheus"]
    assert len(prometheus) == 1 and urlsplit(prometheus[0]["url"]).netloc == "prometheus:9090"
    assert list((MONITORING / "grafana" / "dashboards").glob("*.json"))


def binds(service: dict[str, Any]) -> list[dict[str, str]]:
    """A service's bind mounts; docker-compose config writes them as absolute source:target[:mode] strings."""
    result = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            volume = f"{volume.get('source', '')}:{volume['target']}"
        source, target = volume.split(":")[:2]
        if source.startswith("/"):  # a named volume's source is its name
            result.append({"source": source, "target": target})
    return result


def gunicorn_setting(name: str) -> float:
    """A literal in hospital_shared/gunicorn_config.py, read without importing it (that sets os.environ)."""
    path = REPO / "shared" / "src" / "hospital_shared" / "gunicorn_config.py"
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not set in {path}")


def seconds(duration: str | int | float) -> float:
    """A Compose duration (30s, 1m30s, 1500ms) in seconds."""
    if isinstance(duration, int | float):
        return float(duration)
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(f"{n}{u}" for n, u in parts) == duration, f"not a duration: {duration!r}"
    return sum(float(number) * units[unit] for number, unit in parts)
