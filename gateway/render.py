"""Render the gateway's nginx configuration from its templates.

Used by the native stack runner (tools/stack); compose and Kubernetes render the same
gateway.conf.template with their own service addresses.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

GATEWAY_DIR = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
_UPSTREAM = re.compile(r"^upstream (\w+) \{", re.MULTILINE)


def upstream_names() -> tuple[str, ...]:
    """The services the gateway routes to, as its template names them: the one list the entrypoint reads
    variables for, and that tests/deploy holds the native stack, compose and Kubernetes to."""
    return tuple(_UPSTREAM.findall((GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()))


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace every {{ name }}; a placeholder without a value is an error, not an empty string."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for {{{{ {name} }}}}")
        return values[name]

    return _PLACEHOLDER.sub(value_of, template)


def _rate(value: str) -> str:
    if not re.fullmatch(r"[1-9][0-9]*r/[sm]", value):
        raise ValueError(f"a request rate looks like 200r/s or 30r/m, not {value!r}")
    return value


def server_lines(addresses: Sequence[str], *, zone: str = "") -> str:
    """An upstream's servers. With a `zone` (the resolver is on), nginx keeps re-resolving each name and
    follows its addresses as they come and go: every replica of a scaled compose service, for instance."""
    if not addresses:
        raise ValueError("an upstream needs at least one server")
    resolve = " resolve" if zone else ""
    servers = [f"    server {address}{resolve} max_fails=2 fail_timeout=5s;" for address in addresses]
    return "\n".join([f"    zone {zone} 64k;", *servers] if zone else servers)


RESOLVE_VALID = "5s"  # how long a resolved address list is kept before nginx asks again


def resolver_lines(resolvers: Sequence[str]) -> str:
    """nginx's resolver for upstream names (empty: names are resolved once, when nginx starts)."""
    for resolver in resolvers:
        try:
            ipaddress.ip_address(resolver)
        except ValueError:
            raise ValueError(f"a resolver is an IP address (like 127.0.0.11), not {resolver!r}") from None
    if not resolvers:
        return ""
    return f"resolver {' '.join(resolvers)} valid={RESOLVE_VALID} ipv6=off;\nresolver_timeout 2s;"


HSTS = "max-age=31536000; includeSubDomains"
NATIVE_OPERATORS = ("127.0.0.1", "::1")  # the machine a native stack runs on


def networks(value: str | Sequence[str]) -> list[str]:
    """Addresses or CIDR networks, as a list or a comma/space separated string; anything else is an error."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (like 10.0.0.0/8)") from None
    return items


def real_ip_lines(trusted_proxies: Sequence[str]) -> str:
    """nginx real_ip: the client address from X-Forwarded-For, believed only from these peers."""
    trusted = [f"    set_real_ip_from {network};" for network in networks(trusted_proxies)]
    return "\n".join([*trusted, "    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;"])


def render_gateway(
    *,
    listen: str,
    upstreams: Mapping[str, Sequence[str]],
    internal_token: str,
    static_root: Path,
    api_rate: str = "200r/s",
    credentials_rate: str = "10r/s",
    session_cookie: str = "hospital_session",
    trusted_proxies: Sequence[str] = (),
    operator_networks: Sequence[str] = (),
    strict_transport_security: bool = False,
    resolvers: Sequence[str] = (),
) -> str:
    """The server block: upstreams (service name -> host:port list), locations, limits and error pages.

    `session_cookie` is Auth-MS's SESSION_COOKIE_NAME: a public read without it (and without an
    Authorization header) is not sent to Auth-MS for verification. `trusted_proxies` are the peers whose
    X-Forwarded-For gives the client's address (a load balancer, an ingress); `operator_networks` are the
    clients told replica names and readiness details; `strict_transport_security` sends HSTS (the site is
    served over https); `resolvers` (DNS servers, such as Docker's 127.0.0.11) make nginx re-resolve every
    upstream name while it runs, so replicas added or removed behind one name are followed without a reload
    (nginx 1.27.3 or later: the gateway image's, not Debian's of the native stack, which passes none).
    """
    if not re.fullmatch(r"[A-Za-z0-9_.~+/=-]{16,}", internal_token):
        raise ValueError("the internal token must be 16+ URL-safe characters")
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", session_cookie):  # it becomes part of an nginx variable name
        raise ValueError(f"the session cookie name must be letters, digits and _, not {session_cookie!r}")
    if sorted(upstreams) != sorted(expected := upstream_names()):
        raise ValueError(f"upstreams must name exactly {', '.join(expected)}, not {', '.join(upstreams)}")
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    return fill(
        template,
        {
            "listen": listen,
            "internal_token": internal_token,
            "gateway_dir": str(GATEWAY_DIR),
            "static_root": str(static_root),
            "api_rate": _rate(api_rate),
            "credentials_rate": _rate(credentials_rate),
            "session_cookie": session_cookie,
            "real_ip": real_ip_lines(trusted_proxies),
            "operator_networks": "\n".join(f"    {n} 1;" for n in networks(operator_networks)),
            "strict_transport_security": HSTS if strict_transport_security else "",
            "resolver": resolver_lines(resolvers),
            **{
                f"{name}_servers": server_lines(addresses, zone=name if resolvers else "")
                for name, addresses in upstreams.items()
            },
        },
    )


def render_native(*, run_dir: Path, log_dir: Path, rendered_dir: Path, as_root: bool) -> str:
    """The process-level nginx.conf of a native gateway (pid, logs and temp files under run_dir)."""
    template = (GATEWAY_DIR / "nginx" / "nginx.conf.template").read_text()
    return fill(
        template,
        {
            "run_dir": str(run_dir),
            "log_dir": str(log_dir),
            "rendered_dir": str(rendered_dir),
            "gateway_dir": str(GATEWAY_DIR),
            # Started by root (make up as root, CI), nginx would drop its workers to `nobody`, who cannot
            # read a checkout in a private directory (a 0700 temp dir): even the error pages would be 403s.
            # Workers keep the starting user, like every other process of the native stack; the container
            # image runs nginx unprivileged.
            "user_directive": "user root root;" if as_root else "",
        },
    )
