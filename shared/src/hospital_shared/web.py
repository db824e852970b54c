"""The Flask app every service starts from: logging, errors, health, metrics, OpenAPI, internal token."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import redis
import sqlalchemy.exc
from flask import Flask, Response, current_app, g, request
from flask_smorest import Api, Blueprint
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from hospital_shared.access import internal_token_is_valid
from hospital_shared.db import database_unavailable
from hospital_shared.errors import (
    PROBLEM_BASE,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from hospital_shared.health import ReadinessCheck, init_health
from hospital_shared.logging_setup import configure_logging, request_id_var
from hospital_shared.metrics import init_metrics
from hospital_shared.openapi import document_api
from hospital_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = frozenset({"healthz", "readyz", "metrics"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def problem_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=body["status"], mimetype="application/problem+json")
    response.headers.extend(dict(headers or {}))
    return response


def field_path(parent: str, key: object) -> str:
    """One path style for every field a problem names: `weekly.monday[0].end` (list items in brackets)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


_LOCATIONS = frozenset({"json", "query", "querystring", "headers", "form", "path", "files"})


def _flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow messages ({"json": {"a": {0: {"b": [...]}}}}) as {"a[0].b": [...]}."""
    if isinstance(messages, list):
        return {prefix or "body": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in (messages or {}).items():
        is_location = not prefix and key in _LOCATIONS
        name = prefix if is_location else field_path(prefix, key)
        if isinstance(value, Mapping | list):
            flat.update(_flatten_messages(value, name))
        else:
            flat[name or "body"] = [str(value)]
    return flat


def _validation_problem(messages: Any) -> dict[str, Any]:
    errors = _flatten_messages(messages)
    fields = ", ".join(sorted(errors))
    return {
        "type": PROBLEM_BASE + "validation-failed",
        "title": "Validation failed",
        "status": 422,
        "detail": f"Some fields are invalid: {fields}." if fields else "The request is invalid.",
        "errors": errors,
    }


# An unknown address or method reads as it does from the gateway (gateway/errors/404.json, 405.json).
ROUTING_DETAILS = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
}

UNSTORABLE_TEXT = "Must not contain NUL (U+0000) or unpaired surrogate characters."


def _is_storable(text: str) -> bool:
    """PostgreSQL text holds neither U+0000 nor unpaired surrogates, though JSON can carry both."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unstorable_fields(value: Any, name: str = "") -> Iterator[str]:
    """Where in a parsed JSON document (named as validation errors name fields) text cannot be stored."""
    if isinstance(value, str):
        if not _is_storable(value):
            yield name or "body"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            field = field_path(name, str(key))
            if not _is_storable(str(key)):
                yield field
            else:
                yield from _unstorable_fields(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_fields(item, field_path(name, index))


def refuse_unstorable_text() -> None:
    """422 naming every query parameter or JSON field whose text the database could not store.

    Checked once at the door for every service, so no view or repository meets such text halfway through
    a use case (it would otherwise surface there as a driver error, a 500).
    """
    is_json = request.is_json
    if not is_json and not request.query_string:
        return  # nothing to look at (most GETs): skip building the argument lists
    fields = [key for key, values in request.args.lists() if not all(map(_is_storable, [key, *values]))]
    if is_json:
        fields += _unstorable_fields(request.get_json(silent=True))
    if fields:
        names = sorted(set(fields))
        raise ValidationFailed(
            f"Some fields are invalid: {', '.join(names)}.", errors={n: [UNSTORABLE_TEXT] for n in names}
        )


JSON_ONLY = "Send JSON: Content-Type application/json."


def refuse_bodies_that_are_not_json() -> None:
    """415 for any request body that is not JSON (application/json or application/*+json).

    The API reads JSON only; a form or text body would otherwise be ignored (a POST "succeeding" on
    nothing) or fail later as a confusing 405 or 422.
    """
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    if has_body and not request.is_json:
        raise UnsupportedMediaType(JSON_ONLY)


def no_content_means_no_body(response: Response) -> Response:
    """A 204 carries neither a body nor a Content-Type (flask-smorest would label it application/json)."""
    if response.status_code == 204:
        response.set_data(b"")
        for header in ("Content-Type", "Content-Length"):
            response.headers.pop(header, None)
    return response


def _one_url_per_resource(app: Flask) -> None:
    """A trailing slash is served as the path without it, on every route, and nothing redirects.

    Werkzeug's defaults answer /x/ for a route /x with 404 and /x for a route /x/ with a 308 whose
    Location names the service's own host and port (unreachable behind the gateway). Integrators
    copy paths with and without the slash; both are answered alike (the spec names the slash-less
    one), the way Stripe's and GitHub's paths read. Doubled slashes are not merged into a redirect
    either: they are simply not a route (404).
    """
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.url_map.redirect_defaults = False


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _unavailable(detail: str) -> Response:
    error = ServiceUnavailable(detail, headers={"Retry-After": "1"})
    return problem_response(error.to_problem(), error.headers)


def register_error_handlers(app: Flask) -> None:
    """One handler per kind of failure, all answering RFC 9457 problem+json."""

    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError) -> Response:
        return problem_response(error.to_problem(), error.headers)

    @app.errorhandler(ValidationError)
    def _marshmallow(error: ValidationError) -> Response:
        return problem_response(_validation_problem(error.messages))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        if error.code in (400, 422) and "messages" in data:
            body = _validation_problem(data["messages"])
            body["status"] = error.code
            if error.code == 400:
                body["title"], body["type"] = "Bad request", PROBLEM_BASE + "bad-request"
            return problem_response(body)
        generic = error.description == type(error).description  # Werkzeug's own words, not ours
        body = {
            "type": PROBLEM_BASE + (error.name or "error").lower().replace(" ", "-"),
            "title": (error.name or "Error").capitalize(),
            "status": error.code or 500,
            "detail": data.get("message")
            or (ROUTING_DETAILS.get(error.code or 500) if generic else None)
            or error.description,
        }
        headers = {k: v for k, v in error.get_headers() if k.lower() in {"allow", "retry-after"}}
        return problem_response(body, headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        body = {
            "type": PROBLEM_BASE + "internal-error",
            "title": "Internal server error",
            "status": 500,
            "detail": "Something went wrong on our side; it has been logged with the request id.",
            "request_id": request_id_var.get(),
        }
        return problem_response(body)

    @app.errorhandler(sqlalchemy.exc.SQLAlchemyError)
    def _database(error: sqlalchemy.exc.SQLAlchemyError) -> Response:
        if not database_unavailable(error):
            return _unexpected(error)
        # The pool has already been invalidated (see make_engine): the next request reconnects.
        log.warning("database unavailable: %s", _first_line(error))
        return _unavailable("The database is not reachable right now; please retry in a moment.")

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    def _redis(error: redis.RedisError) -> Response:
        log.warning("redis unavailable: %s", _first_line(error))
        return _unavailable("A backing store is not reachable right now; please retry in a moment.")


def _init_request_context(app: Flask, settings: ServiceSettings) -> None:
    # Replicas must be told apart (X-Served-By, logs): without INSTANCE_NAME, the host name says which.
    instance = settings.instance_name or f"{settings.service_name}@{socket.gethostname()}"

    @app.before_request
    def _bind_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_id_token = request_id_var.set(g.request_id)
        g.request_start = time.perf_counter()

    @app.before_request
    def _require_internal_token() -> None:
        if request.endpoint in PUBLIC_ENDPOINTS:
            return
        if not internal_token_is_valid(settings.internal_token):
            raise Unauthorized(
                "This service is reached through the gateway only (missing or wrong X-Internal-Token)."
            )

    app.before_request(refuse_bodies_that_are_not_json)
    app.before_request(refuse_unstorable_text)
    app.after_request(no_content_means_no_body)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers["X-Served-By"] = instance
        if request.endpoint not in PUBLIC_ENDPOINTS:
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(
                        (time.perf_counter() - g.get("request_start", time.perf_counter())) * 1000, 2
                    ),
                    "user_id": request.headers.get("X-User-Id"),
                },
            )
        return response

    @app.teardown_request
    def _unbind(_: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def client_address() -> str:
    """The browser's address as the gateway saw it.

    The gateway sets X-Forwarded-For to its peer's address (the internal-token guard means only the gateway
    reaches us); the last entry is the one the nearest trusted proxy added, so a client cannot choose it.
    """
    forwarded = [
        part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()
    ]
    return forwarded[-1] if forwarded else (request.remote_addr or "")


def container() -> Any:
    """The running service's wired adapters and use cases (what its bootstrap() returned)."""
    return current_app.extensions["container"]


def create_service_app(
    settings: ServiceSettings,
    *,
    container: Any,
    title: str,
    blueprints: Iterable[Blueprint],
    readiness_checks: Iterable[ReadinessCheck] = (),
    description: str = "",
    version: str = "1.0.0",
) -> Flask:
    """A Flask app with the platform's defaults and the service's own blueprints."""
    configure_logging(settings.service_name, settings.log_level)
    app = Flask(settings.service_name)
    _one_url_per_resource(app)
    app.config.update(
        SETTINGS=settings,
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": description or title},
            "servers": [{"url": "/", "description": "through the gateway"}],
        },
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    api = Api(app)
    document_api(api, app, settings)
    _init_request_context(app, settings)
    init_metrics(app, settings.service_name)
    init_health(app, readiness_checks)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    app.extensions["hospital_api"] = api
    app.extensions["container"] = container
    return app
