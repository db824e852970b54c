"""Errors every layer may raise; the web layer turns them into RFC 9457 problem+json in one handler.

No framework is imported here, so domain and service-layer code can raise these freely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

PROBLEM_BASE = "https://hospital.example/problems/"


class ProblemError(Exception):
    """A failure the caller can understand: it becomes an `application/problem+json` answer."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or self.title)
        self.detail = detail
        self.errors = {key: list(value) for key, value in (errors or {}).items()}
        self.instance_title = title or self.title
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.instance_title,
            "status": self.status,
            "detail": self.detail or self.instance_title,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(ProblemError):
    status, title, slug = 400, "Bad request", "bad-request"


# The one wording of "who are you?", from the gateway (gateway/errors/401.json) and from every service alike.
SIGN_IN_FIRST = "Sign in first (or send a valid API key) to do this."


class Unauthorized(ProblemError):
    status, title, slug = 401, "Authentication required", "authentication-required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail or SIGN_IN_FIRST, **kwargs)


class Forbidden(ProblemError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(ProblemError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(ProblemError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(ProblemError):
    status, title, slug = 412, "Precondition failed", "precondition-failed"


class PreconditionRequired(ProblemError):
    status, title, slug = 428, "Precondition required", "precondition-required"


class UnsupportedMediaType(ProblemError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class ValidationFailed(ProblemError):
    status, title, slug = 422, "Validation failed", "validation-failed"


class TooManyRequests(ProblemError):
    status, title, slug = 429, "Too many requests", "too-many-requests"

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        if retry_after is not None:
            self.headers.setdefault("Retry-After", str(int(retry_after)))


class ServiceUnavailable(ProblemError):
    status, title, slug = 503, "Service unavailable", "service-unavailable"
