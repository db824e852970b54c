"""marshmallow schemas every service's API uses the same way: paging in, paged lists out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

F = TypeVar("F", bound=Callable[..., Any])


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class Instant(fields.AwareDateTime):
    """An ISO 8601 date-time with an offset, read as the same instant in UTC.

    ISO 8601 (and Python) allow offsets up to 23:59, PostgreSQL only up to 15:59: a query or row with
    "-16:30" failed in the database (schemathesis found it). In UTC every offset is storable, and an
    instant that has no UTC year 1..9999 is refused here as a 422.
    """

    default_error_messages = {"out_of_range": "Give a date-time between years 1 and 9999 in UTC."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        instant = super()._deserialize(value, attr, data, **kwargs)
        try:
            return instant.astimezone(UTC)
        except OverflowError as error:
            raise self.make_error("out_of_range") from error


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope {"items", "page", "page_size", "total"} around `item_schema`."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error of this API is answered (`application/problem+json`).

    Members beyond these may appear (RFC 9457 extension members), such as `request_id` on a 500 or
    the MFA fields of a sign-in that needs a code; clients ignore those they do not know.
    """

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: true

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem."})
    title = fields.String(required=True, metadata={"description": "A short summary of the kind."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = fields.String(
        required=True, metadata={"description": "What went wrong this time, for a person to read."}
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Validation problems: each field (`a.b[0].c`) with its messages."},
    )


PROBLEM_JSON = "application/problem+json"
PROBLEM_DESCRIPTIONS = {
    400: "The request could not be read (such as a body that is not valid JSON).",
    401: "Not signed in.",
    403: "Signed in, but not allowed.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    412: "If-Match does not match the current version.",
    413: "The request body is larger than 1 MB.",
    415: "The request body is not JSON (send Content-Type: application/json).",
    422: "Invalid input; `errors` names each field.",
    428: "If-Match is missing.",
    429: "Too many requests; `Retry-After` (when sent) says when to try again.",
    503: "A service this needs cannot be reached right now; `Retry-After` says when to try again.",
}


def problem_responses(
    blueprint: Blueprint, descriptions: Mapping[int, str] | None = None
) -> Callable[..., Callable[[F], F]]:
    """`problems(401, 404)` documents the problem+json answers a view of `blueprint` may give."""
    texts = PROBLEM_DESCRIPTIONS | dict(descriptions or {})

    def problems(*statuses: int) -> Callable[[F], F]:
        def decorate(view: F) -> F:
            for status in statuses:
                view = blueprint.alt_response(
                    status, schema=ProblemSchema, description=texts[status], content_type=PROBLEM_JSON
                )(view)
            return view

        return decorate

    return problems
