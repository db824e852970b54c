"""The native stack runner behind `make up`, `make down`, `make scale`, `make status` and `make logs`.

It runs every service under gunicorn and the gateway under nginx, all supervised by one supervisord,
against the machine's PostgreSQL and Redis (or ones it starts itself when none answers). Everything it
creates lives in STACK_DIR (default .stack/), so several stacks (a developer's and the e2e tests') can
run side by side on different ports, databases and Redis numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import redis
from psycopg2 import sql
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gateway.render import render_gateway, render_native  # noqa: E402
from hospital_shared.migrations import upgrade_to_head  # noqa: E402


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
    environment: str = field(default_factory=lambda: os.environ.get("ENVIRONMENT", "dev"))
    seed_demo: bool = field(default_factory=lambda: os.environ.get("SEED_DEMO", "1") != "0")
    web_concurrency: int = field(default_factory=lambda: _env_int("WEB_CONCURRENCY", 2))
    initial_replicas: int = field(default_factory=lambda: _env_int("APPOINTMENT_REPLICAS", 2))

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
    def state_file(self) -> Path:
        return self.stack_dir / "state.json"

    @property
    def supervisor_conf(self) -> Path:
        return self.stack_dir / "supervisord.conf"

    @property
    def gateway_url(self) -> str:
        return f"http://localhost:{self.gateway_port}"


# --------------------------------------------------------------------------- state


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


# --------------------------------------------------------------------------- PostgreSQL and Redis


def _admin_dsn(config: StackConfig) -> str:
    return make_url(config.database_admin_url).render_as_string(hide_password=False).replace("+psycopg2", "")


def postgres_answers(config: StackConfig) -> bool:
    try:
        psycopg2.connect(_admin_dsn(config), connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def ensure_postgres(config: StackConfig, state: dict) -> None:
    """Use the PostgreSQL that answers; otherwise start the machine's cluster (installing it if needed)."""
    if postgres_answers(config):
        return
    say("PostgreSQL does not answer; starting a local cluster")
    if not shutil.which("pg_lsclusters"):
        subprocess.run(["bash", str(REPO / "tools" / "install-system-deps.sh"), "postgresql"], check=True)
    clusters = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.split()
    version, name = clusters[0], clusters[1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], check=True)
    state["started_postgres"] = [version, name]
    for _ in range(30):
        if postgres_answers(config):
            # Tests and the runner connect over TCP as postgres without a password, as on the CI machines.
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not come up; see its log under /var/log/postgresql")


def ensure_redis(config: StackConfig, state: dict) -> None:
    """Use the Redis that answers; otherwise start one on the configured port, with its files in STACK_DIR."""
    client = redis.Redis.from_url(config.redis_url, socket_connect_timeout=1)
    try:
        client.ping()
        return
    except redis.exceptions.ConnectionError:
        pass
    if not shutil.which("redis-server"):
        subprocess.run(["bash", str(REPO / "tools" / "install-system-deps.sh"), "redis"], check=True)
    url = make_url(config.redis_url.replace("redis://", "postgresql://", 1))
    port = url.port or 6379
    say(f"Redis does not answer; starting redis-server on 127.0.0.1:{port}")
    data_dir = config.stack_dir / "redis"
    data_dir.mkdir(exist_ok=True)
    pidfile = config.run_dir / "redis.pid"
    subprocess.run(
        [
            "redis-server",
            "--bind", "127.0.0.1", "--port", str(port), "--daemonize", "yes",
            "--pidfile", str(pidfile), "--dir", str(data_dir), "--save", "", "--appendonly", "no",
            "--logfile", str(config.log_dir / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    state["started_redis_pidfile"] = str(pidfile)
    for _ in range(20):
        try:
            client.ping()
            return
        except redis.exceptions.ConnectionError:
            time.sleep(0.25)
    raise SystemExit("redis-server did not come up")


def ensure_databases(config: StackConfig) -> None:
    connection = psycopg2.connect(_admin_dsn(config))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for service in SERVICES:
            name = config.db_prefix + service.database
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                say(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_databases(config: StackConfig) -> None:
    """Only for throw-away stacks (the e2e tests): drop the prefixed databases."""
    if not config.db_prefix:
        raise SystemExit("refusing to drop unprefixed databases")
    connection = psycopg2.connect(_admin_dsn(config))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for service in SERVICES:
            name = config.db_prefix + service.database
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    connection.close()


def migrate(config: StackConfig) -> None:
    for service in SERVICES:
        if service.present:
            say(f"migrating {service.name}")
            upgrade_to_head(service.directory, config.database_url(service))


# --------------------------------------------------------------------------- the service processes


def service_environment(config: StackConfig, service: Service, *, replica: int = 1) -> dict[str, str]:
    instance = f"{service.name}-{replica}" if service.name == REPLICATED else service.name
    origins = f"http://localhost:{config.gateway_port},http://127.0.0.1:{config.gateway_port}"
    return {
        "ENVIRONMENT": config.environment,
        "DATABASE_URL": config.database_url(service),
        "REDIS_URL": config.redis_url,
        "INTERNAL_TOKEN": internal_token(config),
        "PUBLIC_BASE_URL": config.gateway_url,
        "ALLOWED_ORIGINS": origins,
        "SMTP_URL": f"smtp://127.0.0.1:{config.smtp_port}",
        "SESSION_COOKIE_SECURE": "false" if config.environment != "production" else "true",
        "BIND": f"127.0.0.1:{config.port(service, replica)}",
        "INSTANCE_NAME": instance,
        "WEB_CONCURRENCY": str(config.web_concurrency),
        "PROMETHEUS_MULTIPROC_DIR": str(config.run_dir / "metrics" / instance),
        "PYTHONUNBUFFERED": "1",
    }


def _supervisor_env(values: dict[str, str]) -> str:
    def quote(value: str) -> str:
        return '"' + value.replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"') + '"'

    return ",".join(f"{key}={quote(value)}" for key, value in values.items())


def program_block(
    name: str, *, command: str, directory: Path, environment: dict[str, str], config: StackConfig
) -> str:
    return f"""[program:{name}]
command={command}
directory={directory}
environment={_supervisor_env(environment)}
autostart=true
autorestart=true
startsecs=2
startretries=5
stopsignal=TERM
stopwaitsecs=30
stopasgroup=true
killasgroup=true
stdout_logfile={config.log_dir / (name + ".log")}
stdout_logfile_maxbytes=20MB
stdout_logfile_backups=2
redirect_stderr=true
"""


def venv_bin(tool: str) -> str:
    return str(Path(sys.executable).parent / tool)


def write_service_program(config: StackConfig, service: Service, replica: int = 1) -> str:
    name = f"{service.name}-{replica}" if service.name == REPLICATED else service.name
    block = program_block(
        name,
        command=f"{venv_bin('gunicorn')} -c {service.directory / 'gunicorn.conf.py'}",
        directory=service.directory,
        environment=service_environment(config, service, replica=replica),
        config=config,
    )
    (config.programs_dir / f"{name}.conf").write_text(block)
    return name


def write_extra_programs(config: StackConfig) -> None:
    """Programs that are not web servers: the local SMTP sink, each service's background worker."""
    auth = SERVICES[0]
    if (auth.directory / "src" / "auth_service" / "mail_sink.py").exists():
        command = (
            f"{sys.executable} -m auth_service.mail_sink --host 127.0.0.1 --port {config.smtp_port} "
            f"--dir {config.mail_dir}"
        )
        block = program_block(
            "mail-sink", command=command, directory=auth.directory, environment={}, config=config
        )
        (config.programs_dir / "mail-sink.conf").write_text(block)
    for service in SERVICES:
        worker = service.directory / "src" / service.package / "worker.py"
        if service.present and worker.exists():
            block = program_block(
                f"{service.name}-worker",
                command=f"{sys.executable} -m {service.package}.worker",
                directory=service.directory,
                environment=service_environment(config, service)
                | {"INSTANCE_NAME": f"{service.name}-worker"},
                config=config,
            )
            (config.programs_dir / f"{service.name}-worker.conf").write_text(block)


def write_gateway(config: StackConfig, replicas: int) -> None:
    """Render nginx's configuration for the services and replicas that should receive traffic."""
    upstreams = {
        service.name: [
            f"127.0.0.1:{config.port(service, r)}"
            for r in range(1, (replicas if service.name == REPLICATED else 1) + 1)
        ]
        for service in SERVICES
    }
    static_root = REPO / "frontend" / "dist"
    if not (static_root / "index.html").exists():
        static_root = REPO / "gateway" / "placeholder"
    rendered = render_gateway(
        listen=f"127.0.0.1:{config.gateway_port}",
        upstreams=upstreams,
        internal_token=internal_token(config),
        static_root=static_root,
    )
    (config.nginx_dir / "gateway.conf").write_text(rendered)
    (config.nginx_dir / "nginx.conf").write_text(
        render_native(
            run_dir=config.nginx_dir,
            log_dir=config.log_dir,
            rendered_dir=config.nginx_dir,
            as_root=os.geteuid() == 0,
        )
    )


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed; run tools/install-system-deps.sh")
    return found


def check_gateway_config(config: StackConfig) -> None:
    result = subprocess.run(
        [nginx_binary(), "-t", "-q", "-c", str(config.nginx_dir / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"the rendered nginx configuration is invalid:\n{result.stderr}")


def write_gateway_program(config: StackConfig) -> None:
    command = f"{nginx_binary()} -c {config.nginx_dir / 'nginx.conf'} -g 'daemon off;'"
    block = program_block(
        "gateway", command=command, directory=config.stack_dir, environment={}, config=config
    )
    (config.programs_dir / "gateway.conf").write_text(block)


def write_supervisord_conf(config: StackConfig) -> None:
    config.supervisor_conf.write_text(
        f"""[unix_http_server]
file={config.run_dir / "supervisor.sock"}
chmod=0700

[supervisord]
logfile={config.log_dir / "supervisord.log"}
pidfile={config.run_dir / "supervisord.pid"}
childlogdir={config.log_dir}
identifier=hospital-{config.gateway_port}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{config.run_dir / "supervisor.sock"}

[include]
files = {config.programs_dir}/*.conf
"""
    )


def supervisorctl(config: StackConfig, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [venv_bin("supervisorctl"), "-c", str(config.supervisor_conf), *args],
        capture_output=True,
        text=True,
        check=check,
    )


def supervisord_pid(config: StackConfig) -> int | None:
    pidfile = config.run_dir / "supervisord.pid"
    if not pidfile.exists():
        return None
    pid = int(pidfile.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, ValueError):
        return None
    return pid


def program_pids(config: StackConfig) -> dict[str, int]:
    """name -> PID of every running program, as supervisord reports them."""
    pids: dict[str, int] = {}
    for line in supervisorctl(config, "status", check=False).stdout.splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) >= 4 and parts[1] == "RUNNING" and parts[2] == "pid":
            pids[parts[0]] = int(parts[3])
    return pids


# --------------------------------------------------------------------------- waiting


def wait_programs_running(config: StackConfig, *, seconds: float = 30) -> None:
    """Until supervisord has seen every program through its start-up period (none STARTING)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = supervisorctl(config, "status", check=False).stdout.splitlines()
        if lines and all(" RUNNING " in line for line in lines):
            return
        time.sleep(0.3)
    raise SystemExit(
        "some programs did not reach RUNNING:\n" + supervisorctl(config, "status", check=False).stdout
    )


def wait_ready(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read()[:300]!r}"
        except (urllib.error.URLError, OSError) as error:
            last = str(error)
        time.sleep(0.3)
    raise SystemExit(f"{url} is not ready after {seconds:.0f}s: {last}")


def wait_services_ready(config: StackConfig, replicas: range) -> None:
    for service in SERVICES:
        if not service.present:
            continue
        numbers = replicas if service.name == REPLICATED else range(1, 2)
        for replica in numbers:
            wait_ready(f"http://127.0.0.1:{config.port(service, replica)}/readyz")


# --------------------------------------------------------------------------- commands


def prepare_directories(config: StackConfig) -> None:
    for directory in (
        config.stack_dir, config.run_dir, config.log_dir, config.programs_dir,
        config.nginx_dir, config.mail_dir, config.run_dir / "metrics",
    ):  # fmt: skip
        directory.mkdir(parents=True, exist_ok=True)


def seed(config: StackConfig) -> list[str]:
    """Run each service's idempotent demo seed; returns what the seeds printed (the demo credentials)."""
    printed: list[str] = []
    for service in SERVICES:
        cli = service.directory / "src" / service.package / "cli.py"
        if not (service.present and cli.exists()):
            continue
        env = os.environ | service_environment(config, service)
        result = subprocess.run(
            [sys.executable, "-m", f"{service.package}.cli", "seed-demo"],
            env=env, cwd=service.directory, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"seeding {service.name} failed:\n{result.stdout}\n{result.stderr}")
        printed.append(result.stdout.strip())
    return [line for line in printed if line]


def up(config: StackConfig) -> None:
    prepare_directories(config)
    state = load_state(config)
    ensure_postgres(config, state)
    ensure_redis(config, state)
    save_state(config, state)
    ensure_databases(config)
    migrate(config)
    replicas = state.get("appointment_replicas", config.initial_replicas)
    present = [s for s in SERVICES if s.present]
    for service in present:
        for replica in range(1, (replicas if service.name == REPLICATED else 1) + 1):
            write_service_program(config, service, replica)
    write_extra_programs(config)
    write_gateway(config, replicas)
    check_gateway_config(config)
    write_gateway_program(config)
    write_supervisord_conf(config)
    if supervisord_pid(config) is None:
        say("starting supervisord")
        subprocess.run([venv_bin("supervisord"), "-c", str(config.supervisor_conf)], check=True)
    else:
        supervisorctl(config, "reread")
        supervisorctl(config, "update")
        supervisorctl(config, "start", "all", check=False)
    state["appointment_replicas"] = replicas
    save_state(config, state)
    wait_services_ready(config, range(1, replicas + 1))
    wait_ready(f"http://127.0.0.1:{config.gateway_port}/api/v1/appointments/healthz")
    wait_programs_running(config)
    credentials = seed(config) if config.seed_demo else []
    print()
    say(f"The hospital is open at {config.gateway_url}")
    print(f"    services: {', '.join(s.name for s in present)}; appointment replicas: {replicas}")
    print(f"    mails sent by the platform land in {config.mail_dir}")
    print(f"    logs: make logs (files in {config.log_dir})")
    for block in credentials:
        print("    " + block.replace("\n", "\n    "))


def reload_gateway(config: StackConfig) -> None:
    check_gateway_config(config)
    subprocess.run([nginx_binary(), "-c", str(config.nginx_dir / "nginx.conf"), "-s", "reload"], check=True)
    time.sleep(0.5)  # old workers finish their requests; new ones take the new upstream list


def scale(config: StackConfig, replicas: int) -> None:
    if not 1 <= replicas <= MAX_REPLICAS:
        raise SystemExit(f"appointment replicas must be between 1 and {MAX_REPLICAS}")
    if supervisord_pid(config) is None:
        raise SystemExit("the stack is not running; make up first")
    state = load_state(config)
    current = state.get("appointment_replicas", 1)
    service = next(s for s in SERVICES if s.name == REPLICATED)
    if replicas > current:
        for replica in range(current + 1, replicas + 1):
            write_service_program(config, service, replica)
        supervisorctl(config, "reread")
        supervisorctl(config, "update")
        wait_services_ready(config, range(current + 1, replicas + 1))
        write_gateway(config, replicas)
        reload_gateway(config)
    elif replicas < current:
        # Take the leaving replicas out of the gateway first, so no request is sent to a stopping process.
        write_gateway(config, replicas)
        reload_gateway(config)
        for replica in range(replicas + 1, current + 1):
            (config.programs_dir / f"{service.name}-{replica}.conf").unlink(missing_ok=True)
        supervisorctl(config, "reread")
        supervisorctl(config, "update")
    state["appointment_replicas"] = replicas
    save_state(config, state)
    wait_programs_running(config)
    say(f"appointment replicas: {current} -> {replicas}")
    status(config)


def status(config: StackConfig) -> None:
    if supervisord_pid(config) is None:
        print("the stack is not running")
        return
    print(supervisorctl(config, "status", check=False).stdout.rstrip())
    for service in SERVICES:
        if not service.present:
            continue
        url = f"http://127.0.0.1:{config.gateway_port}/api/v1/{service.area}/readyz"
        try:
            with urllib.request.urlopen(url, timeout=3):
                print(f"{service.name:12} ready ({url})")
        except urllib.error.HTTPError as error:
            print(f"{service.name:12} NOT ready: {error.code} {error.read()[:200]!r}")
        except (urllib.error.URLError, OSError) as error:
            print(f"{service.name:12} unreachable: {error}")


def down(config: StackConfig, *, drop: bool = False) -> None:
    pid = supervisord_pid(config)
    if pid is not None:
        say("stopping every program and supervisord")
        supervisorctl(config, "shutdown", check=False)
        for _ in range(120):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.25)
    state = load_state(config)
    redis_pidfile = state.pop("started_redis_pidfile", None)
    if redis_pidfile and Path(redis_pidfile).exists():
        say("stopping the redis-server this stack started")
        os.kill(int(Path(redis_pidfile).read_text().strip()), 15)
    cluster = state.pop("started_postgres", None)
    if cluster:
        say("stopping the PostgreSQL cluster this stack started")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "stop"], check=False)
    if drop:
        drop_databases(config)
    if config.stack_dir.exists():
        state.pop("appointment_replicas", None)
        save_state(config, state)
    say("stopped")


def create_admin(config: StackConfig, email: str, password: str) -> None:
    """Create or reset an admin account through Auth-MS's own command line."""
    auth = next(s for s in SERVICES if s.name == "auth")
    ensure_databases(config)
    upgrade_to_head(auth.directory, config.database_url(auth))
    subprocess.run(
        [sys.executable, "-m", "auth_service.cli", "create-admin", "--email", email, "--password", password],
        env=os.environ | service_environment(config, auth),
        cwd=auth.directory,
        check=True,
    )


def logs(config: StackConfig, lines: int) -> None:
    for path in sorted(config.log_dir.glob("*.log")):
        print(f"----- {path.name}")
        print("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="stack", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="install what is missing, migrate, start everything, wait until ready")
    down_parser = commands.add_parser("down", help="stop everything this stack started")
    down_parser.add_argument("--drop-databases", action="store_true", help="also drop the prefixed databases")
    commands.add_parser("status", help="what runs and whether it is ready")
    logs_parser = commands.add_parser("logs", help="the last lines of every log")
    logs_parser.add_argument("--lines", type=int, default=30)
    scale_parser = commands.add_parser("scale", help="change the number of Appointment-MS replicas")
    scale_parser.add_argument("replicas", type=int)
    admin_parser = commands.add_parser("admin", help="create or reset an admin account")
    admin_parser.add_argument("--email", required=True)
    admin_parser.add_argument("--password", required=True)
    commands.add_parser("pids", help="the PID of every running program, as JSON")
    args = parser.parse_args(argv)
    config = StackConfig()
    if args.command == "up":
        up(config)
    elif args.command == "down":
        down(config, drop=args.drop_databases)
    elif args.command == "status":
        status(config)
    elif args.command == "logs":
        logs(config, args.lines)
    elif args.command == "scale":
        scale(config, args.replicas)
    elif args.command == "pids":
        print(json.dumps(program_pids(config) if supervisord_pid(config) else {}))
    elif args.command == "admin":
        prepare_directories(config)
        create_admin(config, args.email, args.password)


if __name__ == "__main__":
    main()
