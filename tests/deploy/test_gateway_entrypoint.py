"""The gateway container renders its nginx configuration from environment variables before starting nginx."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gateway.entrypoint import ConfigurationError, upstreams_from, write_configuration

TOKEN = "t" * 32


def container_environment(tmp_path: Path) -> dict[str, str]:
    return {
        "AUTH_UPSTREAMS": "127.0.0.1:5001",
        "PATIENT_UPSTREAMS": "127.0.0.1:5002",
        "DOCTOR_UPSTREAMS": "127.0.0.1:5003",
        "APPOINTMENT_UPSTREAMS": "127.0.0.1:5004, 127.0.0.1:5104",
        "INTERNAL_TOKEN": TOKEN,
        "LISTEN": "127.0.0.1:1",
        "STATIC_ROOT": str(tmp_path / "spa"),
        "NGINX_RUN_DIR": str(tmp_path / "run"),
        "NGINX_LOG_DIR": str(tmp_path),
    }


def test_an_upstream_list_may_be_separated_by_commas_or_spaces() -> None:
    environ = {f"{name}_UPSTREAMS": "a:1" for name in ("AUTH", "PATIENT", "DOCTOR")}
    environ["APPOINTMENT_UPSTREAMS"] = "a:1,b:2 c:3"
    assert upstreams_from(environ)["appointment"] == ["a:1", "b:2", "c:3"]


def test_a_missing_upstream_stops_the_container(tmp_path: Path) -> None:
    environ = container_environment(tmp_path)
    del environ["DOCTOR_UPSTREAMS"]
    with pytest.raises(ConfigurationError, match="DOCTOR_UPSTREAMS"):
        write_configuration(environ)


def test_a_missing_internal_token_stops_the_container(tmp_path: Path) -> None:
    environ = container_environment(tmp_path)
    del environ["INTERNAL_TOKEN"]
    with pytest.raises(ConfigurationError, match="INTERNAL_TOKEN"):
        write_configuration(environ)


def test_the_rendered_container_configuration_is_valid_nginx(tmp_path: Path) -> None:
    nginx_conf = write_configuration(container_environment(tmp_path))
    gateway_conf = (nginx_conf.parent / "gateway.conf").read_text()
    assert "server 127.0.0.1:5104" in gateway_conf
    assert f"root {tmp_path / 'spa'};" in gateway_conf
    result = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-q", "-c", str(nginx_conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_trusted_proxies_operators_and_hsts_come_from_the_environment(tmp_path: Path) -> None:
    environ = container_environment(tmp_path) | {
        "GATEWAY_TRUSTED_PROXIES": "10.0.0.0/8, 172.16.0.0/12",
        "GATEWAY_OPERATOR_NETWORKS": "10.1.2.0/24",
    }
    gateway_conf = (write_configuration(environ).parent / "gateway.conf").read_text()
    assert "set_real_ip_from 10.0.0.0/8;" in gateway_conf
    assert "set_real_ip_from 172.16.0.0/12;" in gateway_conf
    assert "    10.1.2.0/24 1;" in gateway_conf
    assert 'default "max-age=31536000; includeSubDomains";' in gateway_conf  # HSTS unless told off
    environ |= {"GATEWAY_HSTS": "off"}
    assert "includeSubDomains" not in (write_configuration(environ).parent / "gateway.conf").read_text()
    with pytest.raises(ConfigurationError, match="GATEWAY_HSTS"):
        write_configuration(environ | {"GATEWAY_HSTS": "maybe"})
    with pytest.raises(ValueError, match="not an IP address"):
        write_configuration(environ | {"GATEWAY_TRUSTED_PROXIES": "everyone"})


def test_a_local_run_sends_no_hsts_and_production_does_by_default(tmp_path: Path) -> None:
    def rendered(**extra: str) -> str:
        environ = container_environment(tmp_path) | extra
        return (write_configuration(environ).parent / "gateway.conf").read_text()

    assert "includeSubDomains" not in rendered(ENVIRONMENT="dev")
    assert "includeSubDomains" in rendered(ENVIRONMENT="production")
    assert "includeSubDomains" in rendered()  # unset is production, as for the services


def test_with_a_resolver_every_upstream_name_is_followed_as_replicas_come_and_go(tmp_path: Path) -> None:
    environ = container_environment(tmp_path) | {
        "APPOINTMENT_UPSTREAMS": "appointment:5004",
        "GATEWAY_RESOLVER": "127.0.0.11",
    }
    gateway_conf = (write_configuration(environ).parent / "gateway.conf").read_text()
    assert "resolver 127.0.0.11 valid=5s ipv6=off;" in gateway_conf
    block = re.search(r"upstream appointment \{(.*?)\}", gateway_conf, re.S)
    assert block is not None
    # `resolve` needs the upstream's state in shared memory (a zone), which every worker then sees.
    assert "zone appointment 64k;" in block.group(1)
    assert "server appointment:5004 resolve max_fails=2 fail_timeout=5s;" in block.group(1)
    assert gateway_conf.count(" resolve max_fails") == 4
    if nginx_version() >= (1, 27, 3):  # open-source nginx has had `resolve` since 1.27.3 (the image's 1.28)
        nginx_conf = tmp_path / "run" / "nginx.conf"
        result = subprocess.run(["/usr/sbin/nginx", "-t", "-q", "-c", str(nginx_conf)], capture_output=True)
        assert result.returncode == 0, result.stderr


def test_without_a_resolver_the_upstreams_are_as_before(tmp_path: Path) -> None:
    gateway_conf = (write_configuration(container_environment(tmp_path)).parent / "gateway.conf").read_text()
    directives = [line.split()[0] for line in gateway_conf.splitlines() if line.strip() and line[0] != "#"]
    assert "resolver" not in directives
    assert not re.search(r"^\s*zone |\sresolve\s", gateway_conf, re.M)


def test_a_resolver_must_be_an_ip_address(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="resolver"):
        write_configuration(container_environment(tmp_path) | {"GATEWAY_RESOLVER": "dns.example"})


def nginx_version() -> tuple[int, ...]:
    banner = subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True, text=True).stderr
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", banner)
    return tuple(int(part) for part in found.groups()) if found else (0,)
