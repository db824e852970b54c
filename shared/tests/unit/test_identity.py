"""Who may call a route: session users by role, integrations (API keys) only by a scope the key holds."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from hospital_shared.access import current_identity, integration_scope, require_identity, require_integration
from hospital_shared.errors import Forbidden, Unauthorized
from hospital_shared.identity import identity_headers

TOKEN = "identity-test-token"
KEY_ID = uuid.uuid4()


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)


def call(app: Flask, view, headers: dict[str, str] | None = None):
    with app.test_request_context("/", headers=headers or {}):
        return view()


def integration(*scopes: str) -> dict[str, str]:
    return identity_headers(KEY_ID, "integration", TOKEN, scopes=scopes)


def test_an_integration_identity_carries_the_keys_id_and_scopes(app: Flask) -> None:
    identity = call(app, current_identity, integration("slots:read", "directory:read"))
    assert identity.user_id == KEY_ID
    assert identity.is_integration and not identity.is_admin
    assert identity.scopes == {"slots:read", "directory:read"}


def test_a_session_user_never_has_scopes_even_if_a_header_claims_some(app: Flask) -> None:
    headers = identity_headers(uuid.uuid4(), "admin", TOKEN) | {"X-User-Scopes": "patients:write"}
    identity = call(app, current_identity, headers)
    assert identity.role == "admin" and identity.scopes == frozenset()


def test_unknown_scopes_in_the_header_are_dropped(app: Flask) -> None:
    identity = call(app, current_identity, integration("slots:read", "everything"))
    assert identity.scopes == {"slots:read"}


def test_a_role_guarded_route_refuses_every_integration(app: Flask) -> None:
    view = require_identity("admin")(lambda: "ok")
    with pytest.raises(Forbidden, match="API keys cannot be used"):
        call(app, view, integration(*sorted(["slots:read", "appointments:read", "patients:write"])))


def test_a_route_open_to_any_user_still_refuses_an_integration_without_a_scope(app: Flask) -> None:
    view = require_identity()(lambda: "ok")
    with pytest.raises(Forbidden):
        call(app, view, integration("slots:read"))
    assert call(app, view, identity_headers(uuid.uuid4(), "patient", TOKEN)) == "ok"


def test_an_integration_passes_with_the_named_scope_and_is_refused_without_it(app: Flask) -> None:
    view = require_identity("patient", scope="appointments:write")(lambda: "ok")
    assert call(app, view, integration("appointments:write")) == "ok"
    with pytest.raises(Forbidden, match="This API key lacks the scope appointments:write"):
        call(app, view, integration("appointments:read"))


def test_session_users_are_still_checked_by_role_when_a_scope_is_named(app: Flask) -> None:
    view = require_identity("patient", scope="appointments:write")(lambda: "ok")
    with pytest.raises(Forbidden):
        call(app, view, identity_headers(uuid.uuid4(), "doctor", TOKEN))
    with pytest.raises(Unauthorized):
        call(app, view)


def test_a_public_route_lets_anonymous_and_session_callers_through(app: Flask) -> None:
    view = integration_scope("directory:read")(lambda: "ok")
    assert call(app, view) == "ok"
    assert call(app, view, identity_headers(uuid.uuid4(), "doctor", TOKEN)) == "ok"


def test_a_public_route_refuses_an_integration_without_its_scope(app: Flask) -> None:
    view = integration_scope("directory:read")(lambda: "ok")
    assert call(app, view, integration("directory:read")) == "ok"
    with pytest.raises(Forbidden, match="lacks the scope directory:read"):
        call(app, view, integration("slots:read"))


def test_misnamed_roles_and_scopes_fail_when_the_route_is_defined() -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        require_identity("admin", scope="slot:read")
    with pytest.raises(ValueError, match="unknown scope"):
        integration_scope("everything")
    with pytest.raises(ValueError, match="by scope="):
        require_identity("integration")


def test_an_integration_only_route_refuses_session_users_and_keys_without_the_scope(app: Flask) -> None:
    view = require_integration("patients:write")(lambda: "ok")
    assert call(app, view, integration("patients:write")) == "ok"
    with pytest.raises(Forbidden, match="Only an integration"):
        call(app, view, identity_headers(uuid.uuid4(), "admin", TOKEN))
    with pytest.raises(Forbidden, match="lacks the scope patients:write"):
        call(app, view, integration("slots:read"))
    with pytest.raises(Unauthorized):
        call(app, view)
