"""The e2e suite's response validator (tests/e2e/openapi_validation.py) says what a spec that lies looks like.

Zero violations in the e2e run means something only if the validator refuses what it should; these cases pin
its rules on a small spec, without a stack.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from tests.e2e.openapi_validation import Specs, violation_of

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
THING_JSON = {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "paths": {
        "/api/v1/things": {
            "get": {
                "responses": {
                    "200": {"description": "The thing", "content": THING_JSON},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "5XX": {"$ref": "#/components/responses/Unauthorized"},
                }
            },
            "delete": {"responses": {"204": {"description": "Gone"}}},
        },
        "/api/v1/things/start": {"get": {"responses": {"302": {"description": "To the provider"}}}},
        "/api/v1/things/quiet": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/api/v1/things/versioned": {
            "get": {
                "responses": {
                    "200": {
                        "description": "A versioned thing",
                        "content": THING_JSON,
                        "headers": {"ETag": {"schema": {"type": "string"}, "required": True}},
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "Problem": {
                "type": "object",
                "properties": {"status": {"type": "integer"}},
                "required": ["status"],
                "additionalProperties": True,
            },
            "Thing": {
                "type": "object",
                "properties": {"id": {"type": "string", "format": "uuid"}},
                "required": ["id"],
                "additionalProperties": False,
            },
        },
        "responses": {"Unauthorized": {"description": "Sign in", "content": PROBLEM}},
    },
}
THING = {"id": "3f1c2a9e-8d7b-4c65-a1f0-2b9e7d6c5a41"}


def answer(method: str, path: str, status: int, body: Any = None, media: str = "application/json") -> Any:
    content = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(
        request=SimpleNamespace(method=method, url=f"http://gateway{path}"),
        status_code=status,
        headers={"Content-Type": media} if content else {},
        content=content,
        text=content.decode(),
    )


@pytest.fixture(scope="module")
def specs() -> Specs:
    return Specs({"things": SPEC})


@pytest.mark.parametrize(
    "response",
    [
        answer("GET", "/api/v1/things", 200, THING),
        answer("GET", "/api/v1/things/", 200, THING),
        answer("GET", "/api/v1/things", 401, {"status": 401}, "application/problem+json"),
        answer("GET", "/api/v1/things", 502, {"status": 502}, "application/problem+json"),
        answer("DELETE", "/api/v1/things", 204),
        answer("GET", "/api/v1/things/start", 302, b"<p>Redirecting...</p>", "text/html"),
        answer("GET", "/api/v1/nowhere", 404, {"status": 404}, "application/problem+json"),
        answer("GET", "/api/v1/things//", 404, {"status": 404}, "application/problem+json"),
        answer("GET", "/api/v1//things", 401, {"status": 401}, "application/problem+json"),
        answer("PATCH", "/api/v1/things", 405, {"status": 405}, "application/problem+json"),
    ],
)
def test_an_answer_the_spec_documents_passes(specs: Specs, response: Any) -> None:
    assert violation_of(response, specs) == ""


@pytest.mark.parametrize(
    ("response", "complaint"),
    [
        (answer("GET", "/api/v1/things", 404, {"status": 404}, "application/problem+json"), "not documented"),
        (answer("GET", "/api/v1/things", 200, THING, "text/plain"), "Content-Type"),
        (answer("GET", "/api/v1/things", 200, {"id": "not-a-uuid"}), "uuid"),
        (answer("GET", "/api/v1/things", 200, {**THING, "extra": 1}), "extra"),
        (answer("GET", "/api/v1/things", 200, b"<html>", "application/json"), "not JSON"),
        (answer("DELETE", "/api/v1/things", 204, {"gone": True}), "body"),
        (answer("GET", "/api/v1/things/quiet", 200, {"said": "more"}), "body"),
        (answer("GET", "/api/v1/nowhere", 200, THING), "not documented"),
        (answer("GET", "/api/v1/things//", 200, THING), "not documented"),
        (answer("GET", "/api/v1/nowhere", 404, b"<html>404</html>", "text/html"), "Content-Type"),
    ],
)
def test_an_answer_the_spec_does_not_document_is_a_violation_saying_why(
    specs: Specs, response: Any, complaint: str
) -> None:
    assert complaint in violation_of(response, specs)


def with_headers(response: Any, **headers: str) -> Any:
    response.headers = {**response.headers, **{k.replace("_", "-"): v for k, v in headers.items()}}
    return response


def test_a_watched_header_the_spec_does_not_document_is_a_violation(specs: Specs) -> None:
    sent = with_headers(answer("GET", "/api/v1/things", 200, THING), Location="/api/v1/things/1")
    assert violation_of(sent, specs) == "header Location is sent but not documented for 200"


def test_a_header_the_spec_says_is_always_sent_must_be_there(specs: Specs) -> None:
    assert "etag is documented as always sent" in violation_of(
        answer("GET", "/api/v1/things/versioned", 200, THING), specs
    )
    assert (
        violation_of(with_headers(answer("GET", "/api/v1/things/versioned", 200, THING), ETag='"3"'), specs)
        == ""
    )
