"""The gateway's configuration is rendered from templates; a missing value must fail loudly."""

import re
import subprocess
from pathlib import Path

import pytest

from gateway.render import GATEWAY_DIR, fill, render_gateway, render_native

UPSTREAMS = {
    "auth": ["127.0.0.1:5001"],
    "patient": ["127.0.0.1:5002"],
    "doctor": ["127.0.0.1:5003"],
    "appointment": ["127.0.0.1:5004", "127.0.0.1:5104"],
}


def test_a_placeholder_without_a_value_is_an_error() -> None:
    with pytest.raises(KeyError, match="listen"):
        fill("listen {{ listen }};", {})


def test_a_weak_internal_token_is_refused() -> None:
    with pytest.raises(ValueError, match="internal token"):
        render_gateway(listen="8080", upstreams=UPSTREAMS, internal_token="short", static_root=Path("/tmp"))


def test_every_replica_is_in_the_appointment_upstream() -> None:
    rendered = render_gateway(
        listen="8080", upstreams=UPSTREAMS, internal_token="x" * 32, static_root=Path("/srv")
    )
    block = re.search(r"upstream appointment \{(.*?)\}", rendered, re.S)
    assert block is not None
    assert re.findall(r"server (\S+)", block.group(1)) == ["127.0.0.1:5004", "127.0.0.1:5104"]
    assert "{{" not in rendered


def test_every_proxied_location_uses_the_one_identity_include() -> None:
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    proxied = template.count("proxy_pass http://")
    verify_locations = template.count("auth_request.conf;")
    assert template.count("proxy_headers.conf;") == proxied - verify_locations
    assert "proxy_set_header X-User-Id" not in template  # only in the include


def test_the_rendered_configuration_is_valid_nginx(tmp_path: Path) -> None:
    (tmp_path / "gateway.conf").write_text(
        render_gateway(
            listen="127.0.0.1:1", upstreams=UPSTREAMS, internal_token="y" * 32, static_root=tmp_path
        )
    )
    (tmp_path / "nginx.conf").write_text(
        render_native(run_dir=tmp_path, log_dir=tmp_path, rendered_dir=tmp_path, as_root=False)
    )
    nginx = "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-q", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_rate_limits_are_configurable_and_validated() -> None:
    rendered = render_gateway(
        listen="8080",
        upstreams=UPSTREAMS,
        internal_token="z" * 32,
        static_root=Path("/srv"),
        api_rate="50r/s",
    )
    assert "zone=api_per_ip:10m rate=50r/s;" in rendered
    assert "zone=credentials_per_ip:10m rate=10r/s;" in rendered
    with pytest.raises(ValueError, match="request rate"):
        render_gateway(
            listen="8080",
            upstreams=UPSTREAMS,
            internal_token="z" * 32,
            static_root=Path("/srv"),
            api_rate="lots",
        )


def test_only_the_credential_endpoints_get_the_strict_limit() -> None:
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    strict = re.search(
        r"location ~ \^/api/v1/auth/\((.*?)\)\$ \{\s*limit_req zone=credentials_per_ip", template
    )
    assert strict is not None
    assert set(strict.group(1).split("|")) == {
        "login", "login/mfa", "login/mfa/enrol", "register",
        "password/forgot", "password/reset", "password/change",
    }  # fmt: skip


def test_started_by_root_the_workers_can_read_a_checkout_in_a_private_directory(tmp_path: Path) -> None:
    rendered = render_native(run_dir=tmp_path, log_dir=tmp_path, rendered_dir=tmp_path, as_root=True)
    assert "user root root;" in rendered
    assert "nobody" not in rendered


def _location(template: str, head: str) -> str:
    """The body of the location block that starts with `location <head> {`."""
    block = re.search(r"\n    location " + re.escape(head) + r" \{\n(.*?)\n    \}\n", template, re.S)
    assert block is not None, head
    return block.group(1)


def test_only_credential_free_reads_of_the_public_locations_skip_auth_request() -> None:
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    switch = re.search(r'map "([^"]*)" \$credential_free_read \{([^}]*)\}', template)
    assert switch is not None
    assert switch.group(1) == "$request_method:$cookie_{{ session_cookie }}:$http_authorization"
    assert re.findall(r'"(\S*)" 1;', switch.group(2)) == ["GET::", "HEAD::"]
    assert "default 0;" in switch.group(2)

    for area, upstream in (("doctors", "doctor"), ("slots", "appointment")):
        public = _location(template, f"/api/v1/{area}")
        skip = f"if ($credential_free_read) {{\n            rewrite ^ /_public/{area} last;\n        }}"
        assert skip in public
        assert public.index(skip) < public.index("auth_request /_auth/optional;")  # rewrite phase first
        shortcut = _location(template, f"= /_public/{area}")
        assert shortcut.split()[0] == "internal;"  # a client cannot ask for it by name
        assert "auth_request" not in shortcut
        assert "limit_req zone=api_per_ip burst=400 nodelay;" in shortcut  # the public location's is skipped
        assert "include {{ gateway_dir }}/nginx/proxy_headers.conf;" in shortcut
        assert f"proxy_pass http://{upstream}$request_uri;" in shortcut
    # every other API location still runs auth_request on every request
    for head in ("/api/v1/auth/", "/api/v1/patients", "/api/v1/appointments"):
        assert "credential_free_read" not in _location(template, head)
        assert "auth_request /_auth/" in _location(template, head)
    assert template.count("rewrite ^ /_public/") == 2


def test_the_session_cookie_name_is_configurable_and_checked() -> None:
    def render(cookie: str) -> str:
        return render_gateway(
            listen="8080",
            upstreams=UPSTREAMS,
            internal_token="c" * 32,
            static_root=Path("/srv"),
            session_cookie=cookie,
        )

    assert '"$request_method:$cookie_sid:$http_authorization"' in render("sid")
    with pytest.raises(ValueError, match="session cookie"):
        render("sid;x")


def _render(**settings: object) -> str:
    return render_gateway(
        listen="8080",
        upstreams=UPSTREAMS,
        internal_token="r" * 32,
        static_root=Path("/srv"),
        **settings,  # type: ignore[arg-type]
    )


def test_x_forwarded_for_is_believed_only_from_the_configured_proxies() -> None:
    assert re.findall(r"set_real_ip_from (\S+);", _render()) == []
    rendered = _render(trusted_proxies=["10.0.0.0/8", "fd00::/8", "192.0.2.7"])
    assert re.findall(r"set_real_ip_from (\S+);", rendered) == ["10.0.0.0/8", "fd00::/8", "192.0.2.7"]
    assert "real_ip_header X-Forwarded-For;" in rendered
    assert "real_ip_recursive on;" in rendered
    with pytest.raises(ValueError, match="not an IP address"):
        _render(trusted_proxies=["10.0.0.0/8;include /etc/passwd"])


def test_every_limit_counts_by_client_network_not_by_raw_address() -> None:
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    zones = re.findall(r"limit_(?:req|conn)_zone (\S+) zone=", template)
    assert zones == ["$client_network"] * 3
    assert "include {{ gateway_dir }}/nginx/client_network.conf;" in template


def test_hsts_is_sent_only_when_the_site_is_served_over_https() -> None:
    assert 'default "";' in re.search(r"\$strict_transport_security \{([^}]*)\}", _render()).group(1)
    served_over_https = _render(strict_transport_security=True)
    assert 'default "max-age=31536000; includeSubDomains";' in served_over_https
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    # Every location that adds headers (add_header is not inherited into them) adds HSTS too.
    for block in re.findall(r"\n    location [^{]*\{\n(.*?)\n    \}\n", template, re.S):
        if "add_header" in block:
            assert "Strict-Transport-Security $strict_transport_security always;" in block, block
    include = (GATEWAY_DIR / "nginx" / "proxy_headers.conf").read_text()
    assert "add_header Strict-Transport-Security $strict_transport_security always;" in include


def test_the_api_docs_page_has_a_csp_without_inline_script_and_no_inline_script() -> None:
    docs = _location(
        (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text(),
        r"~ ^/api/docs/(?<docs_file>index\.html|init\.js)$",
    )
    csp = re.search(r'Content-Security-Policy "([^"]*)"', docs).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    page = (GATEWAY_DIR / "swagger" / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []  # every script is a file
    assert " on" not in re.sub(r"<script[^>]*>", "", page).lower().replace("\n", " ")  # no onload= etc.


def test_redirects_are_relative_and_replicas_and_readiness_stay_private() -> None:
    rendered = _render(operator_networks=["127.0.0.1", "::1"])
    assert "absolute_redirect off;" in rendered
    geo = re.search(r"geo \$operator_client \{([^}]*)\}", rendered).group(1)
    assert geo.split() == ["default", "0;", "127.0.0.1", "1;", "::1", "1;"]
    include = (GATEWAY_DIR / "nginx" / "proxy_headers.conf").read_text()
    assert "proxy_hide_header X-Served-By;" in include
    assert "add_header X-Served-By $served_by_shown always;" in include
    assert "proxy_set_header X-Readiness-Detail $readiness_detail;" in include


def test_the_access_log_records_the_path_without_the_query_string() -> None:
    process = render_native(run_dir=Path("/r"), log_dir=Path("/l"), rendered_dir=Path("/r"), as_root=False)
    log_format = re.search(r"log_format json escape=json (.*?);\n", process, re.S).group(1)
    assert '"uri":"$logged_path"' in log_format
    assert "$request_uri" not in log_format and '$request"' not in log_format and "$args" not in log_format
    template = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()
    assert 'map $request_uri $logged_path {\n    "~^(?<path_only>[^?]*)" $path_only;' in template
