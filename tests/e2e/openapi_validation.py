"""Every answer the e2e suite gets is checked against the OpenAPI document of the service that gave it.

The four specs are read once per stack, as an integrator reads them: from the gateway's
/api/v1/<area>/openapi.json. An answer to a path under /api/v1/ must then be documented:

- its status (or its range, 5XX) is in the operation's responses, its Content-Type is one the response
  names, and its body validates against that schema (OpenAPI 3.0 dialect, formats checked);
- a path no spec names may only be answered 404 (or 401, where the gateway asks for credentials before
  the service routes), and a method a path does not have only 405, all as problem+json (the gateway's
  `location /api/ { return 404; }`, Flask's routing); one trailing slash is the path without it;
- answers the gateway gives on its own (its 429 rate and connection limits, 413, 401/403 of its
  auth_request, 502/503/504 error pages) are documented like the services' own: 429 on every operation,
  5XX as ServerError, 401/403/413 where they can happen.

Out of scope (counted, not checked): paths outside /api/v1/ (the SPA, /api/docs, a service's own
/metrics, /healthz and /readyz on its port), OPTIONS, and HEAD bodies (a HEAD's status is checked as
its GET's).
A violation raises OpenApiViolation from the client, so the test that caused it fails.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

AREAS = ("auth", "patients", "doctors", "appointments")
PROBLEM_JSON = "application/problem+json"
_METHODS = ("get", "put", "post", "delete", "patch")


class OpenApiViolation(AssertionError):
    """An answer its service's OpenAPI document does not describe."""


@dataclass
class Tally:
    validated: int = 0
    violations: int = 0
    out_of_scope: int = 0
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, *, validated: int = 0, out_of_scope: int = 0, violation: str = "") -> None:
        with self.lock:
            self.validated += validated
            self.out_of_scope += out_of_scope
            if violation:
                self.violations += 1
                self.examples.append(violation)

    def as_dict(self) -> dict[str, Any]:
        return {
            "validated": self.validated,
            "violations": self.violations,
            "out_of_scope": self.out_of_scope,
            "violation_details": self.examples[:200],
        }

    def add(self, other: Mapping[str, Any]) -> None:
        """Count what another process (a pytest-xdist worker) validated."""
        with self.lock:
            self.validated += other["validated"]
            self.violations += other["violations"]
            self.out_of_scope += other["out_of_scope"]
            self.examples.extend(other["violation_details"])

    def line(self) -> str:
        return f"openapi validation: {self.validated} responses validated, {self.violations} violations"


TALLY = Tally()


@dataclass(frozen=True)
class _Route:
    template: str
    pattern: re.Pattern[str]
    item: Mapping[str, Any]
    spec_uri: str


class Specs:
    """The specs of one stack, with the route of every documented path."""

    def __init__(self, specs: Mapping[str, Mapping[str, Any]]) -> None:
        registry: Registry = Registry()
        routes: list[_Route] = []
        for name, spec in specs.items():
            uri = f"urn:openapi:{name}"
            registry = registry.with_resource(uri, Resource.from_contents(spec, default_specification=DRAFT4))
            for template, item in spec.get("paths", {}).items():
                regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
                routes.append(_Route(template, re.compile(f"^{regex}$"), item, uri))
        # A concrete path wins over a templated one (/doctors/me before /doctors/{doctor_id}).
        self._routes = sorted(routes, key=lambda r: (r.template.count("{"), r.template))
        self._registry = registry
        self.problem_uri = f"urn:openapi:{next(iter(specs))}#/components/schemas/Problem"

    def route(self, path: str) -> _Route | None:
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]  # the services answer /x/ as /x (but /x// is no address of theirs)
        return next((r for r in self._routes if r.pattern.match(path)), None)

    def resolve(self, uri: str, value: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """Follow a `$ref` (if `value` is one) to what it names; returns the document's URI and pointer."""
        while "$ref" in value:
            ref = value["$ref"]
            base = uri.split("#", 1)[0]
            uri = base + ref if ref.startswith("#") else ref
            resolved = self._registry.resolver().lookup(uri)
            value = resolved.contents
        return uri, value

    def validate(self, schema_uri: str, instance: Any) -> str:
        """The first schema error of `instance` against the schema at `schema_uri`, or ''."""
        validator = OAS30ReadValidator(
            {"$ref": schema_uri}, registry=self._registry, format_checker=oas30_format_checker
        )
        error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.path))), None)
        if error is None:
            return ""
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        return f"at {where}: {error.message}"[:600]


_SPECS: dict[str, Specs] = {}
_SPECS_LOCK = threading.Lock()


def specs_of(gateway_url: str) -> Specs:
    """The four specs as the stack at `gateway_url` serves them, read once."""
    with _SPECS_LOCK:
        if gateway_url not in _SPECS:
            documents = {}
            for area in AREAS:
                answer = requests.get(f"{gateway_url}/api/v1/{area}/openapi.json", timeout=15)
                answer.raise_for_status()
                documents[area] = answer.json()
            _SPECS[gateway_url] = Specs(documents)
        return _SPECS[gateway_url]


def _pointer(*parts: str) -> str:
    return "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="") for p in parts)


def problems_in(response: requests.Response, specs: Specs, *, allowed: Iterable[int]) -> str:
    """What is wrong with an answer that may only be one of the `allowed` problems."""
    if response.status_code not in set(allowed):
        return f"status {response.status_code} is not documented (only {sorted(allowed)} are possible here)"
    if _media_type(response) != PROBLEM_JSON:
        return f"Content-Type {response.headers.get('Content-Type')!r} is not {PROBLEM_JSON}"
    return specs.validate(specs.problem_uri, _json(response))


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _json(response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


# Headers whose presence or absence an integrator acts on: sent only where the spec says, and sent where it
# says they are required.
WATCHED_HEADERS = (
    "ETag",
    "Location",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Idempotent-Replayed",
)


def undocumented_headers(response: requests.Response, documented: Mapping[str, Any]) -> str:
    """'' when the watched headers of `response` agree with the documented response's `headers`."""
    declared = {name.lower(): header for name, header in (documented.get("headers") or {}).items()}
    status = response.status_code
    if 300 <= status < 400:
        return ""
    for name in WATCHED_HEADERS:
        if name in response.headers and name.lower() not in declared:
            return f"header {name} is sent but not documented for {status}"
    for name, header in declared.items():
        if header.get("required") and name not in {h.lower() for h in response.headers}:
            return f"header {name} is documented as always sent for {status} but is missing"
    return ""


def violation_of(response: requests.Response, specs: Specs) -> str:
    """'' when `response` is what its service's spec documents, else what is wrong."""
    request = response.request
    method = (request.method or "GET").lower()
    if method == "head":
        method = "get"
    route = specs.route(urlsplit(request.url).path)
    if route is None:  # 401 first where the gateway's auth_request guards the prefix, whatever the path
        return problems_in(response, specs, allowed=(401, 404))
    operation = route.item.get(method)
    if operation is None:
        return problems_in(response, specs, allowed=(404, 405))
    status = str(response.status_code)
    responses = operation.get("responses", {})
    key = status if status in responses else f"{status[0]}XX" if f"{status[0]}XX" in responses else None
    if key is None:
        return f"status {status} is not documented for {method.upper()} {route.template}"
    uri, documented = specs.resolve(route.spec_uri, responses[key])
    header_problem = undocumented_headers(response, documented)
    if header_problem:
        return header_problem
    content = documented.get("content") or {}
    if request.method == "HEAD":
        return ""
    if not content:  # a redirect's courtesy body (Flask's HTML "Redirecting...") is no answer
        if response.content and not 300 <= response.status_code < 400:
            return f"a {status} with a body its spec does not document"
        return ""
    media = _media_type(response)
    if media not in content:
        return f"Content-Type {media!r} is not documented for {status} (only {sorted(content)})"
    body = _json(response) if "json" in media else response.text
    if body is _NOT_JSON:
        return f"the body is not JSON: {response.text[:200]!r}"
    schema = content[media].get("schema")
    if schema is None:
        return ""
    base, pointer = uri.split("#", 1) if "#" in uri else (uri, "")
    if uri == route.spec_uri:  # an inline response: point at it inside the operation
        pointer = "/" + _pointer("paths", route.template, method, "responses", key)
    schema_uri = f"{base}#{pointer}/{_pointer('content', media, 'schema')}"
    return specs.validate(schema_uri, body)


def check(response: requests.Response, *, gateway_url: str) -> None:
    """Count `response` as validated (or out of scope); raise OpenApiViolation when its spec disagrees."""
    request = response.request
    if request.method == "OPTIONS" or not urlsplit(request.url).path.startswith("/api/v1/"):
        TALLY.count(out_of_scope=1)
        return
    problem = violation_of(response, specs_of(gateway_url))
    if not problem:
        TALLY.count(validated=1)
        return
    path = urlsplit(request.url).path
    message = f"{request.method} {path} answered {response.status_code}: {problem}"
    TALLY.count(violation=message)
    raise OpenApiViolation(f"{message}\nbody: {response.text[:500]}")


def validated_session(gateway_url: str) -> requests.Session:
    """A requests session whose every answer is checked (for helpers that do not use BrowserSession)."""
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: check(response, gateway_url=gateway_url))
    return session
