"""Every location that asks Auth-MS keeps all it vouched for: identity, an API key's scopes and rate-limit
state, and why it refused (which picks the 401 detail, the 429 and the 400)."""

import re

from gateway.render import GATEWAY_DIR

TEMPLATE = (GATEWAY_DIR / "nginx" / "gateway.conf.template").read_text()


def locations_with_auth_request() -> dict[str, str]:
    blocks = re.findall(r"location ([^{]+)\{(.*?)\n    \}", TEMPLATE, re.S)
    return {name.strip(): body for name, body in blocks if "auth_request /_auth/" in body}


def test_every_verified_location_includes_the_verified_identity_and_sets_nothing_by_hand() -> None:
    verified = locations_with_auth_request()
    assert len(verified) >= 7
    missing = [name for name, body in verified.items() if "verified_identity.conf;" not in body]
    assert missing == []
    assert "auth_request_set $" not in TEMPLATE  # only in the include, so no location forgets a variable


def test_the_include_keeps_scopes_refusal_and_rate_limit_headers() -> None:
    include = (GATEWAY_DIR / "nginx" / "verified_identity.conf").read_text()
    for header in ("x_user_scopes", "x_auth_refusal", "retry_after", "ratelimit_limit", "ratelimit_reset"):
        assert f"$upstream_http_{header};" in include
    assert "recursive_error_pages on;" in include


def test_services_get_the_scopes_but_never_the_api_key_itself() -> None:
    shared = (GATEWAY_DIR / "nginx" / "proxy_headers.conf").read_text()
    assert "proxy_set_header X-User-Scopes $auth_user_scopes;" in shared
    assert 'proxy_set_header Authorization "";' in shared
    verify = (GATEWAY_DIR / "nginx" / "auth_request.conf").read_text()
    assert 'proxy_set_header X-User-Scopes "";' in verify
    assert "Authorization" not in verify.replace("Authorization: Bearer", "")  # passed on to Auth-MS as sent


def test_each_refusal_has_its_problem_page() -> None:
    for page in ("401-api-key.json", "429-api-key.json", "400-credentials.json"):
        assert (GATEWAY_DIR / "errors" / page).is_file()
        assert f"/_errors/{page}" in TEMPLATE
