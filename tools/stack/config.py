"""What the stack consists of and where it runs: the services, ports, databases, Redis and state directory."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Service:
    name: str
    database: str
    default_port: int
    area: str  # the gateway path segment: /api/v1/<area>/

    @property
    def directory(self) -> Path:
        return REPO / "services" / self.name

    @property
    def package(self) -> str:
        return f"{self.name}_service"

    @property
    def present(self) -> bool:
        return (self.directory / "gunicorn.conf.py").exists()


SERVICES = (
    Service("auth", "auth", 5001, "auth"),
    Service("patient", "patients", 5002, "patients"),
    Service("doctor", "doctors", 5003, "doctors"),
    Service("appointment", "appointments", 5004, "appointments"),
)
REPLICATED = "appointment"
REPLICA_PORT_STEP = 100  # appointment-1 on 5004, appointment-2 on 5104, ...
MAX_REPLICAS = 9


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_switch(name: str) -> bool | None:
    """1/0 from the environment; None when unset or empty (then the stack keeps what it did last time)."""
    value = os.environ.get(name, "").strip()
    return None if not value else value not in ("0", "false", "no", "off")


@dataclass
class StackConfig:
    """Where and how this stack runs; every value can be changed through the environment."""

    stack_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("STACK_DIR", REPO / ".stack")).resolve()
    )
    gateway_port: int = field(default_factory=lambda: _env_int("GATEWAY_PORT", 8080))
    smtp_port: int = field(default_factory=lambda: _env_int("SMTP_PORT", 1025))
    database_admin_url: str = field(
        default_factory=lambda: os.environ.get(
            "DATABASE_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
        )
    )
    db_prefix: str = field(default_factory=lambda: os.environ.get("DB_PREFIX", ""))
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    # Appointment-MS's slot cache may live in a Redis of its own (empty: the shared one).
    appointment_cache_redis_url: str = field(
        default_factory=lambda: os.environ.get("APPOINTMENT_CACHE_REDIS_URL", "")
    )
    environment: str = field(default_factory=lambda: os.environ.get("ENVIRONMENT", "dev"))
    seed_demo: bool = field(default_factory=lambda: os.environ.get("SEED_DEMO", "1") != "0")
    web_concurrency: int = field(default_factory=lambda: _env_int("WEB_CONCURRENCY", 2))
    initial_replicas: int = field(default_factory=lambda: _env_int("APPOINTMENT_REPLICAS", 2))
    api_rate: str = field(default_factory=lambda: os.environ.get("GATEWAY_API_RATE", "200r/s"))
    credentials_rate: str = field(default_factory=lambda: os.environ.get("GATEWAY_CREDENTIALS_RATE", "10r/s"))
    # Peers whose X-Forwarded-For names the client (a proxy or load balancer in front of the gateway);
    # none by default: the gateway listens on loopback and its peer is the client.
    trusted_proxies: str = field(default_factory=lambda: os.environ.get("GATEWAY_TRUSTED_PROXIES", ""))
    # Clients told replica names and readiness details: this machine (its checks, make scale, the developer).
    operator_networks: str = field(
        default_factory=lambda: os.environ.get("GATEWAY_OPERATOR_NETWORKS", "127.0.0.1 ::1")
    )
    # HSTS: in production (served over https by whatever is in front); never for local http.
    strict_transport_security: bool = field(
        default_factory=lambda: (
            os.environ.get(
                "GATEWAY_HSTS", "on" if os.environ.get("ENVIRONMENT", "dev") == "production" else "off"
            )
            == "on"
        )
    )

    # Debian's Prometheus under supervisord (make up MONITORING=1); see tools/stack/monitoring.py.
    monitoring: bool | None = field(default_factory=lambda: _env_switch("MONITORING"))
    prometheus_port: int = field(default_factory=lambda: _env_int("PROMETHEUS_PORT", 9090))
    prometheus_scrape_seconds: int = field(default_factory=lambda: _env_int("PROMETHEUS_SCRAPE_SECONDS", 15))

    def port(self, service: Service, replica: int = 1) -> int:
        base = _env_int(f"{service.name.upper()}_PORT", service.default_port)
        return base + REPLICA_PORT_STEP * (replica - 1)

    def database_url(self, service: Service) -> str:
        url = make_url(self.database_admin_url).set(database=self.db_prefix + service.database)
        return url.render_as_string(hide_password=False)

    @property
    def run_dir(self) -> Path:
        return self.stack_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.stack_dir / "logs"

    @property
    def programs_dir(self) -> Path:
        return self.stack_dir / "supervisor.d"

    @property
    def nginx_dir(self) -> Path:
        return self.stack_dir / "nginx"

    @property
    def mail_dir(self) -> Path:
        return self.stack_dir / "mail"

    @property
    def prometheus_dir(self) -> Path:
        return self.stack_dir / "prometheus"

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.prometheus_port}"

    @property
    def state_file(self) -> Path:
        return self.stack_dir / "state.json"

    @property
    def supervisor_conf(self) -> Path:
        return self.stack_dir / "supervisord.conf"

    @property
    def gateway_url(self) -> str:
        return f"http://localhost:{self.gateway_port}"


def load_state(config: StackConfig) -> dict:
    if config.state_file.exists():
        return json.loads(config.state_file.read_text())
    return {}


def save_state(config: StackConfig, state: dict) -> None:
    config.state_file.write_text(json.dumps(state, indent=2))


def internal_token(config: StackConfig) -> str:
    """A random secret per stack, kept in the stack directory (never in the repository)."""
    path = config.stack_dir / "internal_token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def say(message: str) -> None:
    print(f"==> {message}", flush=True)
