"""The four OpenAPI documents are valid, complete and say what an integrator meets through the gateway.

They are built offline, as `python -m tools.openapi <dir>` builds them (no database, no Redis).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from hospital_shared.openapi import GATEWAY_AREAS
from tools.openapi import spec_of
from tools.stack.config import SERVICES

METHODS = ("get", "put", "post", "delete", "patch")
UNSAFE = {"put", "post", "delete", "patch"}
# What gateway/nginx/gateway.conf.template routes to each service (beside /api/v1/<area>/ of the probes).
GATEWAY_PREFIXES = {
    "auth": ("/api/v1/auth",),
    "patient": ("/api/v1/patients",),
    "doctor": ("/api/v1/doctors",),
    "appointment": ("/api/v1/appointments", "/api/v1/slots", "/api/v1/system", "/api/v1/webhooks"),
}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return {service.name: spec_of(service.name) for service in SERVICES}


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def response(spec: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in answer:
        return spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return answer


def test_every_spec_is_a_valid_openapi_document(specs: dict[str, dict[str, Any]]) -> None:
    for spec in specs.values():
        validate(spec)


def test_every_operation_has_a_unique_camel_case_operation_id_and_a_summary(
    specs: dict[str, dict[str, Any]],
) -> None:
    for name, spec in specs.items():
        ids = [op.get("operationId") for _, _, op in operations(spec)]
        assert all(ids), [(p, m) for p, m, op in operations(spec) if not op.get("operationId")]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        assert all(re.fullmatch(r"[a-z][A-Za-z0-9]*", i) for i in ids), ids
        missing = [f"{m.upper()} {p}" for p, m, op in operations(spec) if not op.get("summary", "").strip()]
        assert not missing, f"{name}: give these views a one-line docstring: {missing}"


def test_the_specs_name_only_paths_the_gateway_serves_and_no_internal_route(
    specs: dict[str, dict[str, Any]],
) -> None:
    for name, spec in specs.items():
        area = GATEWAY_AREAS[name]
        probes = {f"/api/v1/{area}/{probe}" for probe in ("healthz", "readyz", "openapi.json")}
        assert probes <= spec["paths"].keys()
        for path in spec["paths"]:
            assert path.startswith(GATEWAY_PREFIXES[name]), path
            assert "/internal" not in path
        assert spec["servers"][0]["url"] == "/"


def test_the_gateway_areas_are_those_of_the_stack() -> None:
    assert {service.name: service.area for service in SERVICES} == GATEWAY_AREAS


def test_every_error_is_documented_as_problem_json(specs: dict[str, dict[str, Any]]) -> None:
    for spec in specs.values():
        assert spec["components"]["schemas"]["Problem"]["properties"]["status"]["type"] == "integer"
        for path, method, op in operations(spec):
            assert "default" not in op["responses"]
            for status, answer in op["responses"].items():
                if status[0] in "45":
                    assert response(spec, answer)["content"] == PROBLEM, (method, path, status)


def test_each_operation_documents_the_errors_it_can_give(specs: dict[str, dict[str, Any]]) -> None:
    for spec in specs.values():
        for path, method, op in operations(spec):
            statuses = set(op["responses"])
            assert {"429", "5XX"} <= statuses, (method, path)
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if any(p["name"] == "If-Match" and p.get("required") for p in op.get("parameters", [])):
                assert {"412", "428"} <= statuses, (method, path)
            if method in UNSAFE:
                assert "403" in statuses, (method, path)
            if op["security"] and {} not in op["security"]:
                assert {"401", "403"} <= statuses, (method, path)


def test_security_schemes_are_the_session_cookie_the_csrf_header_and_api_keys(
    specs: dict[str, dict[str, Any]],
) -> None:
    for spec in specs.values():
        schemes = spec["components"]["securitySchemes"]
        assert schemes["session"] == schemes["session"] | {"type": "apiKey", "in": "cookie"}
        assert schemes["session"]["name"] == "hospital_session"
        assert schemes["csrf"] | {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"} == schemes["csrf"]
        assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
        for path, method, op in operations(spec):
            for requirement in op["security"]:
                if "session" in requirement and method in UNSAFE:
                    assert "csrf" in requirement, (method, path)


def test_guarded_views_require_a_session_and_public_ones_none(specs: dict[str, dict[str, Any]]) -> None:
    auth = {(p, m): op for p, m, op in operations(specs["auth"])}
    assert auth[("/api/v1/auth/me", "get")]["security"] == [{"session": []}]
    assert auth[("/api/v1/auth/login", "post")]["security"] == []
    slots = {(p, m): op for p, m, op in operations(specs["appointment"])}
    public = slots[("/api/v1/slots", "get")]["security"]
    assert public == [] or {} in public


def test_the_main_request_bodies_carry_an_example(specs: dict[str, dict[str, Any]]) -> None:
    bodies = {
        ("auth", "/api/v1/auth/login", "post"),
        ("auth", "/api/v1/auth/register", "post"),
        ("appointment", "/api/v1/appointments", "post"),
        ("doctor", "/api/v1/doctors/{doctor_id}/schedule", "put"),
    }
    for name, path, method in bodies:
        assert "example" in specs[name]["paths"][path][method]["requestBody"]["content"]["application/json"]
