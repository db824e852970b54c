"""Entrypoint of the gateway container: render nginx's configuration from the environment, then run nginx.

Compose and Kubernetes use the same templates and renderer as the native stack (render.py); only the addresses
differ. Environment:
  AUTH_UPSTREAMS, PATIENT_UPSTREAMS, DOCTOR_UPSTREAMS, APPOINTMENT_UPSTREAMS
                     each a host:port list, comma or space separated (a DNS name may stand for several)
  INTERNAL_TOKEN     shared secret sent to every service (16+ URL-safe characters), required
  LISTEN             nginx listen address (default 8080)
  STATIC_ROOT        the built SPA (default /srv/spa)
  NGINX_RUN_DIR      rendered config, pid and temp files; must be writable (default /tmp/gateway)
  NGINX_LOG_DIR      where nginx-access.log / nginx-error.log live; the image links them to stdout / stderr
  NGINX_BINARY       default /usr/sbin/nginx
  SESSION_COOKIE_NAME  Auth-MS's session cookie (default hospital_session): reads without it skip auth_request
  GATEWAY_TRUSTED_PROXIES  addresses/CIDRs (comma or space separated) whose X-Forwarded-For names the client:
                     the ingress or load balancer in front; empty = the peer is the client
  GATEWAY_OPERATOR_NETWORKS  clients told replica names (X-Served-By) and readiness details (default: none;
                     admins always are)
  GATEWAY_HSTS       on / off: Strict-Transport-Security (default: on, off when ENVIRONMENT is dev or test)
  GATEWAY_RESOLVER   DNS server address(es) nginx asks again every 5 s for each upstream name, so that every
                     replica behind a name is used as replicas come and go (compose: Docker's 127.0.0.11, for
                     `docker compose up --scale appointment=3`); empty: names are resolved once, at start.
                     Names are asked as written, without resolv.conf's search domains.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from gateway.render import networks, render_gateway, render_native, upstream_names

UPSTREAMS = upstream_names()


class ConfigurationError(ValueError):
    """The environment does not describe a usable gateway; the container must not start."""


def upstreams_from(environ: Mapping[str, str]) -> dict[str, list[str]]:
    upstreams = {}
    for name in UPSTREAMS:
        variable = f"{name.upper()}_UPSTREAMS"
        addresses = environ.get(variable, "").replace(",", " ").split()
        if not addresses:
            raise ConfigurationError(f"{variable} must list at least one host:port")
        upstreams[name] = addresses
    return upstreams


def hsts_from(environ: Mapping[str, str]) -> bool:
    # Unset: on, except in a local run (ENVIRONMENT dev or test, plain http); fail closed like the services.
    local = environ.get("ENVIRONMENT", "production") in ("dev", "test")
    value = environ.get("GATEWAY_HSTS", "off" if local else "on")
    if value not in ("on", "off"):
        raise ConfigurationError(f"GATEWAY_HSTS must be on or off, not {value!r}")
    return value == "on"


def write_configuration(environ: Mapping[str, str]) -> Path:
    """Render gateway.conf and nginx.conf into NGINX_RUN_DIR; return the nginx.conf path."""
    internal_token = environ.get("INTERNAL_TOKEN", "")
    if not internal_token:
        raise ConfigurationError("INTERNAL_TOKEN must be set")
    # /tmp is the container's own (an emptyDir in Kubernetes), not a shared temporary directory.
    run_dir = Path(environ.get("NGINX_RUN_DIR", "/tmp/gateway"))  # noqa: S108
    log_dir = Path(environ.get("NGINX_LOG_DIR", "/var/log/hospital"))
    run_dir.mkdir(parents=True, exist_ok=True)
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / temp).mkdir(exist_ok=True)
    gateway_conf = render_gateway(
        listen=environ.get("LISTEN", "8080"),
        upstreams=upstreams_from(environ),
        internal_token=internal_token,
        static_root=Path(environ.get("STATIC_ROOT", "/srv/spa")),
        api_rate=environ.get("GATEWAY_API_RATE", "200r/s"),
        credentials_rate=environ.get("GATEWAY_CREDENTIALS_RATE", "10r/s"),
        session_cookie=environ.get("SESSION_COOKIE_NAME", "hospital_session"),
        trusted_proxies=networks(environ.get("GATEWAY_TRUSTED_PROXIES", "")),
        operator_networks=networks(environ.get("GATEWAY_OPERATOR_NETWORKS", "")),
        strict_transport_security=hsts_from(environ),
        resolvers=environ.get("GATEWAY_RESOLVER", "").replace(",", " ").split(),
    )
    (run_dir / "gateway.conf").write_text(gateway_conf)
    nginx_conf = run_dir / "nginx.conf"
    process_conf = render_native(run_dir=run_dir, log_dir=log_dir, rendered_dir=run_dir, as_root=False)
    nginx_conf.write_text(process_conf)
    return nginx_conf


def main() -> None:
    try:
        nginx_conf = write_configuration(os.environ)
    except ValueError as error:  # ConfigurationError, or a weak token refused by render.py
        print(f"gateway: {error}", file=sys.stderr)
        sys.exit(2)
    # exec: nginx becomes PID 1 and gets the container's stop signal (SIGQUIT: graceful shutdown).
    nginx = os.environ.get("NGINX_BINARY", "/usr/sbin/nginx")
    os.execv(nginx, [nginx, "-c", str(nginx_conf), "-g", "daemon off;"])  # noqa: S606 - no shell wanted


if __name__ == "__main__":
    main()
