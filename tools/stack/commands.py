"""What `make up`, `down`, `scale`, `status`, `logs` and `admin` do."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hospital_shared.migrations import upgrade_to_head
from tools.stack.backing import drop_databases, ensure_databases, ensure_postgres, ensure_redis, migrate
from tools.stack.config import MAX_REPLICAS, REPLICATED, SERVICES, StackConfig, load_state, save_state, say
from tools.stack.monitoring import monitoring_wanted, remove_monitoring, write_monitoring, write_targets
from tools.stack.programs import (
    check_gateway_config,
    nginx_binary,
    service_environment,
    supervisorctl,
    supervisord_pid,
    venv_bin,
    wait_programs_running,
    wait_ready,
    wait_services_ready,
    write_extra_programs,
    write_gateway,
    write_gateway_program,
    write_service_program,
    write_supervisord_conf,
)


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
    monitoring = monitoring_wanted(config, state)
    if monitoring:
        write_monitoring(config, replicas)
    else:
        remove_monitoring(config)
    write_supervisord_conf(config)
    if supervisord_pid(config) is None:
        say("starting supervisord")
        subprocess.run([venv_bin("supervisord"), "-c", str(config.supervisor_conf)], check=True)
    else:
        supervisorctl(config, "reread")
        supervisorctl(config, "update")
        supervisorctl(config, "start", "all", check=False)
        reload_gateway(config)  # the rendered configuration may have changed since the gateway started
    state["appointment_replicas"] = replicas
    state["monitoring"] = monitoring
    state["prometheus_url"] = config.prometheus_url if monitoring else None
    save_state(config, state)
    wait_services_ready(config, range(1, replicas + 1))
    wait_ready(f"http://127.0.0.1:{config.gateway_port}/api/v1/appointments/healthz")
    if monitoring:
        wait_ready(f"{config.prometheus_url}/-/ready")
    wait_programs_running(config)
    credentials = seed(config) if config.seed_demo else []
    print()
    say(f"The hospital is open at {config.gateway_url}")
    print(f"    services: {', '.join(s.name for s in present)}; appointment replicas: {replicas}")
    print(f"    mails sent by the platform land in {config.mail_dir}")
    print(f"    logs: make logs (files in {config.log_dir})")
    if monitoring:
        print(f"    Prometheus: {config.prometheus_url} (targets: {config.prometheus_url}/classic/targets)")
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
        if state.get("monitoring"):
            write_targets(config, replicas)
    elif replicas < current:
        # Take the leaving replicas out of the gateway first, so no request is sent to a stopping process,
        # and out of Prometheus's targets, so a replica stopped on purpose is not alerted on as down.
        write_gateway(config, replicas)
        reload_gateway(config)
        if state.get("monitoring"):
            write_targets(config, replicas)
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
    prometheus = load_state(config).get("prometheus_url")
    if prometheus:
        print(f"{'prometheus':12} {prometheus} (targets: {prometheus}/classic/targets)")
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
        state.pop("monitoring", None)
        state.pop("prometheus_url", None)
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
