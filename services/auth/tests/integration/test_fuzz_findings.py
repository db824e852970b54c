"""Answers schemathesis met through the gateway that the spec did not document (tests/fuzz)."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import TOKEN

GOOGLE_ROUTES = {
    "/api/v1/auth/oauth/google/start": "get",
    "/api/v1/auth/oauth/google/callback": "get",
    "/api/v1/auth/oauth/google/link/start": "post",
}


def test_google_sign_in_on_a_server_without_it_is_a_documented_404_problem(client: FlaskClient) -> None:
    answer = client.get("/api/v1/auth/oauth/google/start", headers={"X-Internal-Token": TOKEN})
    paths = client.get("/openapi.json", headers={"X-Internal-Token": TOKEN}).json["paths"]

    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    for path, method in GOOGLE_ROUTES.items():
        documented = paths[path][method]["responses"]["404"]
        assert documented["description"] == "Sign-in with Google is not configured on this server."
        assert "application/problem+json" in documented["content"]
