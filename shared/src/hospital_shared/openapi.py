"""The exact OpenAPI document of a service: what an integrator calling through the gateway really meets.

flask-smorest builds the spec from the views' schemas; `document_api` finishes it in one place, so a new
route is documented the moment it exists:

- every operation lists the problem+json answers it can give: 413/415/422 when it reads a JSON body,
  422 when it reads arguments, 404 for path parameters, 412/428 when If-Match is required, 401 and 403
  from the caller's credentials (401 for any session or API key the gateway refuses, 403 for views guarded
  by `require_identity`, for scoped API keys, and for unsafe methods the gateway's origin and CSRF checks
  may refuse), 400 everywhere (a body that is not JSON, or a cookie and a key at once), 429 everywhere
  (the gateway's rate and connection limits), 5XX for failures; the domain's own answers (409 and the
  like) are added by the views with `problem_responses`;
- the security schemes (session cookie, X-CSRF-Token header, API key as `Authorization: Bearer`) and each
  operation's security, read from the marker `require_identity` / `integration_scope` leave on a view;
- a unique, stable camelCase operationId per operation (blueprint + method + view);
- the response headers any answer may carry (X-Request-ID; RateLimit-* on every answer to an API key;
  Retry-After on 429 and 5XX); headers of one view (ETag, Location,
  Idempotent-Replayed) are declared by that view's `@blp.response(..., headers=...)`;
- /internal/* is left out (the gateway never serves it), and the health, readiness and spec paths are
  documented as the gateway serves them: /api/v1/<area>/{healthz,readyz,openapi.json}.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flask import Flask
from flask_smorest import Api

from hospital_shared.schemas import PROBLEM_DESCRIPTIONS, ProblemSchema

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
# The attribute require_identity / integration_scope set on a view:
# {"signed_in": bool, "roles": (role, ...), "scope": "slots:read" | None, "keys_only": bool (optional)}.
ACCESS_MARKER = "required_access"
DEFAULT_SESSION_COOKIE = "hospital_session"
CSRF_HEADER = "X-CSRF-Token"
# The gateway's path segment of each service (gateway.conf.template: /api/v1/<area>/{healthz,readyz,...}).
GATEWAY_AREAS = {"auth": "auth", "patient": "patients", "doctor": "doctors", "appointment": "appointments"}

_METHODS = ("get", "put", "post", "delete", "patch")
_UNSAFE = frozenset({"put", "post", "delete", "patch"})
_STATUS_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    412: "PreconditionFailed",
    413: "ContentTooLarge",
    415: "UnsupportedMediaType",
    422: "ValidationFailed",
    428: "PreconditionRequired",
    429: "TooManyRequests",
}
_CENTRAL_DESCRIPTIONS = {
    400: "The request could not be read: a body that is not valid JSON, or a session cookie and an API "
    "key sent at once.",
    401: "No valid credential: not signed in where that is required, or a session or API key that is "
    "unknown, expired or revoked.",
    403: "Not allowed: the account's role, the API key's scopes, or (unsafe methods) the request's origin "
    "or CSRF token.",
}
_WEEK = {
    "time_zone": "Europe/Berlin",
    "slot_step_minutes": 15,
    "buffer_minutes": 5,
    "minimum_notice_minutes": 60,
    "booking_horizon_days": 60,
    "weekly": {
        "monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
        "wednesday": [{"start": "09:00", "end": "15:00"}],
    },
    "appointment_types": [{"code": "first-visit", "name": "First visit", "duration_minutes": 45}],
}
# Request bodies of the main operations, as an integrator's first call would send them.
REQUEST_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/auth/login", "post"): {"email": "ada@example.org", "password": "correct horse battery"},
    ("/api/v1/auth/register", "post"): {
        "email": "ada@example.org",
        "password": "correct horse battery",
        "full_name": "Ada Lovelace",
    },
    ("/api/v1/appointments", "post"): {
        "doctor_id": "3f1c2a9e-8d7b-4c65-a1f0-2b9e7d6c5a41",
        "start": "2026-12-02T08:00:00+01:00",
        "appointment_type": "first-visit",
        "reason": "Chest pain when climbing stairs",
    },
    ("/api/v1/doctors/me/schedule", "put"): _WEEK,
    ("/api/v1/doctors/{doctor_id}/schedule", "put"): _WEEK,
}
_SERVER_ERROR = "A failure on our side or a service that cannot be reached right now (5xx), as problem+json."

_INTEGER = {"type": "integer", "minimum": 0}
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id (yours when you sent a well-formed one): quote it when "
        "reporting a problem.",
        "schema": {"type": "string"},
    },
    "RateLimit-Limit": {
        "description": "API keys: calls allowed in this minute's window.",
        "schema": _INTEGER,
    },
    "RateLimit-Remaining": {"description": "API keys: calls left in this window.", "schema": _INTEGER},
    "RateLimit-Reset": {
        "description": "API keys: seconds until the window starts again.",
        "schema": _INTEGER,
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": _INTEGER},
}
_RATE_LIMIT = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")

# Headers one view sends, for its `@blp.response(..., headers=...)`.
ETAG = {
    "ETag": {
        "description": 'The document\'s version as a strong entity tag, such as "3": send it back in '
        "If-Match.",
        "schema": {"type": "string"},
        "required": True,
    }
}
LOCATION = {
    "Location": {
        "description": "The path of what was created.",
        "schema": {"type": "string"},
        "required": True,
    }
}
IDEMPOTENT_REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


def _header_refs(*names: str) -> dict[str, dict[str, str]]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def document_api(api: Api, app: Flask, settings: Any) -> None:
    """Finish `api`'s spec every time it is read; call once, before the blueprints are registered."""
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # flask-smorest's own error body is not ours: problems below
    api.spec.components.schema("Problem", schema=ProblemSchema)
    read_spec = api.spec.to_dict
    cookie = getattr(settings, "session_cookie_name", DEFAULT_SESSION_COOKIE)
    area = GATEWAY_AREAS.get(getattr(settings, "service_name", ""), "")

    def finished() -> dict[str, Any]:
        return finish_spec(
            copy.deepcopy(read_spec()), views=_views_by_operation(app), cookie=cookie, area=area
        )

    api.spec.to_dict = finished  # type: ignore[method-assign]  # read by /openapi.json and tools.openapi


def finish_spec(
    spec: dict[str, Any],
    *,
    views: Mapping[tuple[str, str], tuple[str, Callable[..., Any]]],
    cookie: str = DEFAULT_SESSION_COOKIE,
    area: str = "",
) -> dict[str, Any]:
    """The raw flask-smorest spec made exact (see the module docstring); `views` maps (path, method) to
    (endpoint, view function)."""
    paths = spec.setdefault("paths", {})
    for path in [p for p in paths if p.startswith("/internal/") or p == "/internal"]:
        del paths[path]
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Health"] = _HEALTH_SCHEMA
    components["securitySchemes"] = _security_schemes(cookie)
    components["headers"] = HEADERS
    components["responses"] = {
        **{_STATUS_NAMES[s]: _problem_response(_describe(s), _status_headers(s)) for s in _STATUS_NAMES},
        "ServerError": _problem_response(_SERVER_ERROR, _status_headers(503)),
    }
    for path, method, operation, path_item in _operations(paths):
        endpoint, view = views.get((path, method), ("", None))
        _finish_operation(
            operation, path=path, method=method, path_item=path_item, endpoint=endpoint, view=view
        )
    if area:
        paths.update(_probe_paths(area))
    _prune_unused_components(spec)
    used_tags = {tag for _, _, op, _ in _operations(paths) for tag in op.get("tags", [])}
    spec["tags"] = [tag for tag in spec.get("tags", []) if tag["name"] in used_tags]
    return spec


def _describe(status: int) -> str:
    return (
        _CENTRAL_DESCRIPTIONS.get(status)
        or PROBLEM_DESCRIPTIONS.get(status)
        or f"HTTP {status}, as problem+json."
    )


def _status_headers(status: int) -> dict[str, Any]:
    """What an answer of `status` may carry: the request id, the API key's window (any answer to a key the
    gateway let through, whatever the route), and Retry-After on 429 and 503 (a dependency that is down)."""
    names = ["X-Request-ID", *_RATE_LIMIT]
    if status == 429 or status >= 500:
        names.append("Retry-After")
    return _header_refs(*names)


def _central_response(status: int) -> dict[str, Any]:
    if status in _STATUS_NAMES:
        return {"$ref": f"#/components/responses/{_STATUS_NAMES[status]}"}
    return _problem_response(_describe(status))


def _problem_response(description: str, headers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if headers:
        response["headers"] = dict(headers)
    return response


def _security_schemes(cookie: str) -> dict[str, Any]:
    return {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": cookie,
            "description": "The browser session, set by POST /api/v1/auth/login (HttpOnly).",
        },
        "csrf": {
            "type": "apiKey",
            "in": "header",
            "name": CSRF_HEADER,
            "description": "With a session, unsafe methods send the `csrf_token` of GET /api/v1/auth/me.",
        },
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hsk_...",
            "description": "An API key (POST /api/v1/auth/api-keys), as `Authorization: Bearer hsk_...`; "
            "no CSRF token. Each operation says which scope it needs.",
        },
    }


def _operations(paths: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, item in paths.items():
        for method in _METHODS:
            if method in item:
                yield path, method, item[method], item


def _views_by_operation(app: Flask) -> dict[tuple[str, str], tuple[str, Callable[..., Any]]]:
    """(OpenAPI path, method) → (endpoint, the function that answers it), from the app's URL map."""
    views: dict[tuple[str, str], tuple[str, Callable[..., Any]]] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if view is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        view_class = getattr(view, "view_class", None)
        for method in rule.methods or ():
            method = method.lower()
            if method in _METHODS:
                views[(path, method)] = (rule.endpoint, getattr(view_class, method, None) or view)
    return views


def operation_id(endpoint: str, method: str) -> str:
    """camelCase of blueprint + method + view: `doctors.MyProfile` GET → `doctorsGetMyProfile`."""
    blueprint, _, view = endpoint.rpartition(".")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", blueprint) if w]
    head = (words[0].lower() if words else "") + "".join(w[:1].upper() + w[1:] for w in words[1:])
    view_words = [w for w in re.split(r"[^A-Za-z0-9]+", view) if w]
    tail = method.capitalize() + "".join(w[:1].upper() + w[1:] for w in view_words)
    return head + tail if head else tail[:1].lower() + tail[1:]


def _finish_operation(
    operation: dict[str, Any],
    *,
    path: str,
    method: str,
    path_item: Mapping[str, Any],
    endpoint: str,
    view: Callable[..., Any] | None,
) -> None:
    example = REQUEST_EXAMPLES.get((path, method))
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if example is not None and body is not None:
        body.setdefault("example", example)
    if endpoint and "operationId" not in operation:
        operation["operationId"] = operation_id(endpoint, method)
    access = getattr(view, ACCESS_MARKER, None) if view is not None else None
    parameters = [*path_item.get("parameters", []), *operation.get("parameters", [])]
    statuses = {400, 401, 429}  # the gateway: a session cookie and an API key at once is a 400
    if "requestBody" in operation:
        statuses |= {413, 415, 422}
    if method in _UNSAFE:  # any body is read by the gateway (413) and refused unless it is JSON (415)
        statuses |= {413, 415}
    if any(p.get("in") in {"query", "header"} for p in operation.get("parameters", [])):
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" and p.get("required")
           for p in parameters):  # fmt: skip
        statuses |= {412, 428}
    if method in _UNSAFE or access is not None:
        statuses.add(403)
    responses = operation.setdefault("responses", {})
    responses.pop("default", None)
    for status in statuses:
        responses.setdefault(str(status), _central_response(status))
    for status, response in list(responses.items()):
        if status[:1] in "45" and "$ref" not in response:
            responses[status] = _problem_response(
                response.get("description") or _describe(int(status)), _status_headers(int(status))
            )
        elif "$ref" in response and response["$ref"].rsplit("/", 1)[-1].isupper():
            # flask-smorest's generic HTTP-status responses (UNPROCESSABLE_ENTITY, ...) carry its own body
            responses[status] = _central_response(int(status))
    responses.setdefault("5XX", {"$ref": "#/components/responses/ServerError"})
    operation["responses"] = dict(sorted(responses.items()))
    operation["security"] = _security(access, unsafe=method in _UNSAFE)
    for status, response in responses.items():
        if status[:1] in "123" and "$ref" not in response:
            headers = response.setdefault("headers", {})
            for name, ref in _header_refs("X-Request-ID", *_RATE_LIMIT).items():
                headers.setdefault(name, ref)
    scope = (access or {}).get("scope")
    if scope:
        operation["x-api-key-scope"] = scope
        note = f"API keys need the scope `{scope}`."
        operation["description"] = (
            f"{operation['description']}\n\n{note}" if operation.get("description") else note
        )
    if (access or {}).get("roles"):
        operation["x-roles"] = sorted(access["roles"])


def _security(access: Mapping[str, Any] | None, *, unsafe: bool) -> list[dict[str, list[str]]]:
    session: dict[str, list[str]] = {"session": [], "csrf": []} if unsafe else {"session": []}
    if access is None:
        return []  # public, and no API key scope applies
    if access.get("keys_only"):
        return [{"bearer": []}]
    options = [session, {"bearer": []}] if access.get("scope") else [session]
    return options if access.get("signed_in") else [{}, *options]


_HEALTH_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["ok"]},
        "checks": {
            "type": "object",
            "description": "Each readiness check (operators and admins only).",
            "additionalProperties": {"type": "object", "additionalProperties": True},
        },
    },
    "required": ["status"],
    "additionalProperties": False,
}


def _probe_paths(area: str) -> dict[str, Any]:
    def probe(summary: str, schema: dict[str, Any], *extra: int) -> dict[str, Any]:
        responses: dict[str, Any] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "5XX": {"$ref": "#/components/responses/ServerError"},
        }
        for status in extra:
            responses[str(status)] = _problem_response("Not ready: a dependency cannot serve right now.")
        name = summary.split(":")[0]
        return {
            "get": {
                "operationId": f"{area}Get{name}",
                "summary": summary.split(": ", 1)[1],
                "tags": ["platform"],
                "security": [],
                "responses": dict(sorted(responses.items())),
            }
        }

    health = {"$ref": "#/components/schemas/Health"}
    return {
        f"/api/v1/{area}/healthz": probe("Healthz: The service's process is alive.", health),
        f"/api/v1/{area}/readyz": probe(
            "Readyz: The service can serve: its database, Redis and migrations are ready.", health, 503
        ),
        f"/api/v1/{area}/openapi.json": probe(
            "OpenApi: This OpenAPI document.", {"type": "object", "additionalProperties": True}
        ),
    }


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _prune_unused_components(spec: dict[str, Any]) -> None:
    """Drop components no kept operation refers to, directly or through other components."""
    components = spec.get("components", {})
    seen: set[str] = set()
    pending = list(_refs(spec.get("paths", {})))
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        pending.extend(_refs(components.get(kind, {}).get(name)))
    for kind in ("schemas", "responses", "parameters", "headers", "examples"):
        if kind in components:
            kept = {n: v for n, v in components[kind].items() if f"#/components/{kind}/{n}" in seen}
            components[kind] = dict(sorted(kept.items()))
            if not kept:
                del components[kind]
