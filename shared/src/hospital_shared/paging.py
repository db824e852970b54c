"""One page of a list the service already holds in full (a user's sessions, their linked accounts).

Lists read from a database page in SQL; a handful of items kept elsewhere (Redis) are paged here, so
every list answers {"items", "page", "page_size", "total"} and honours ?page=&page_size= alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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
