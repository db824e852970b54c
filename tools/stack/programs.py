"""The supervised programs (one gunicorn per service or replica, workers, the gateway) and supervisord."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from gateway.render import networks, render_gateway, render_native
from tools.stack.config import REPLICATED, REPO, SERVICES, Service, StackConfig, internal_token


def service_environment(config: StackConfig, service: Service, *, replica: int = 1) -> dict[str, str]:
    instance = f"{service.name}-{replica}" if service.name == REPLICATED else service.name
    origins = f"http://localhost:{config.gateway_port},http://127.0.0.1:{config.gateway_port}"
    return _internal_urls(config, service) | {
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


def _internal_urls(config: StackConfig, service: Service) -> dict[str, str]:
    """Where a service reaches the others' internal APIs directly (not through the gateway)."""
    by_name = {s.name: s for s in SERVICES}
    wanted = {
        # Patients' mail addresses for the booking mails; every service's /readyz for the system page.
        "appointment": {
            "AUTH_INTERNAL_URL": by_name["auth"],
            "PATIENT_INTERNAL_URL": by_name["patient"],
            "DOCTOR_INTERNAL_URL": by_name["doctor"],
        },
        # Whether a doctor treats a patient; any replica answers the same (replica 1 is always there).
        "patient": {"APPOINTMENT_INTERNAL_URL": by_name["appointment"]},
        # Whether a new doctor's user id is an enabled doctor account.
        "doctor": {"AUTH_INTERNAL_URL": by_name["auth"]},
    }.get(service.name, {})
    urls = {name: f"http://127.0.0.1:{config.port(target, 1)}" for name, target in wanted.items()}
    if service.name == REPLICATED and config.appointment_cache_redis_url:
        urls["CACHE_REDIS_URL"] = config.appointment_cache_redis_url
    if service.name == REPLICATED:
        urls |= _webhook_settings(config)
    return urls


def _webhook_settings(config: StackConfig) -> dict[str, str]:
    """Appointment-MS's webhook settings: receivers on loopback are allowed outside production (a developer's
    or a test's receiver runs there), and any WEBHOOK_* variable of the caller (e.g. WEBHOOK_CA_BUNDLE, the
    test CA) is passed on."""
    allow = "0" if config.environment == "production" else "1"
    passed = {name: value for name, value in os.environ.items() if name.startswith("WEBHOOK_")}
    return {"WEBHOOK_ALLOW_PRIVATE_TARGETS": allow} | passed


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
    """Programs that are not web servers: the local SMTP sink.

    The sink is a development tool (hospital_testing.mail_sink, installed in the dev venv only), started
    beside Auth-MS, whose mails it catches along with Appointment-MS's. Services' background work (relays,
    followers) runs in their gunicorn workers (hospital_shared.background), not as programs of its own.
    """
    auth = SERVICES[0]
    if auth.present:
        command = (
            f"{sys.executable} -m hospital_testing.mail_sink --host 127.0.0.1 --port {config.smtp_port} "
            f"--dir {config.mail_dir}"
        )
        block = program_block(
            "mail-sink", command=command, directory=auth.directory, environment={}, config=config
        )
        (config.programs_dir / "mail-sink.conf").write_text(block)


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
        api_rate=config.api_rate,
        credentials_rate=config.credentials_rate,
        trusted_proxies=networks(config.trusted_proxies),
        operator_networks=networks(config.operator_networks),
        strict_transport_security=config.strict_transport_security,
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
