"""One page of a list: {"items", "page", "page_size", "total"}, the same envelope for every list.

Lists read from a database page in SQL (`paginate`: one count and one offset/limit query); a handful of
items kept elsewhere (Redis) are paged in memory (`Page.of`), so every list honours ?page=&page_size= alike.
Page limits (page_size at most 100) are checked once, by hospital_shared.schemas.PageQuerySchema.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int

    @classmethod
    def of(cls, everything: Sequence[T], *, page: int, page_size: int) -> Page[T]:
        """The `page`-th (from 1) run of `page_size` items; past the end, no items but the true total."""
        start = (page - 1) * page_size
        return cls(list(everything[start : start + page_size]), page, page_size, len(everything))


def paginate(
    session: Session,
    stmt: Select[Any],
    *,
    page: int,
    page_size: int,
    to_item: Callable[[Any], T],
) -> Page[T]:
    """The `page`-th (from 1) page of what `stmt` selects, each row turned into an item by `to_item`.

    `stmt` must be ordered by something unique (e.g. `order_by(Model.name, Model.id)`): without a total
    order PostgreSQL may hand the same row to two pages. A select of one thing (`select(Model)` or
    `select(Model.id)`) hands `to_item` that thing; a select of several hands it the row. The total counts
    every row `stmt` selects, whatever its order.
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    result = session.execute(stmt.offset((page - 1) * page_size).limit(page_size))
    rows = result.scalars().all() if len(stmt.column_descriptions) == 1 else result.all()
    return Page([to_item(row) for row in rows], page, page_size, total)
