"""marshmallow schemas every service's API uses the same way: paging in, paged lists out."""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields, validate


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


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
