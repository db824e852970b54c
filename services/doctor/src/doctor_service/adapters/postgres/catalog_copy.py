"""A per-process copy of the specialization catalog, so requests do not reload it from PostgreSQL.

The catalog changes only through Doctor-MS's own use cases (which raise the directory cache's generation)
and migrations. The copy is reloaded when the generation this process has seen moves, and in any case
once it is `max_age_seconds` old, which bounds how long a migration's change (or a change made while
Redis was unreachable) can go unnoticed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from doctor_service.domain.doctor import Specialization

Catalog = dict[str, Specialization]


class CatalogCopy:
    def __init__(
        self,
        *,
        generation: Callable[[], Hashable],
        max_age_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._generation = generation
        self._max_age = max_age_seconds
        self._clock = clock
        self._held: tuple[Hashable, float, Catalog] | None = None

    def get(self, load: Callable[[], Catalog]) -> Catalog:
        """The copy if it is still valid, else `load()` (kept as the new copy)."""
        generation, now, held = self._generation(), self._clock(), self._held
        if held is not None and held[0] == generation and now - held[1] < self._max_age:
            return held[2]
        catalog = load()
        self._held = (generation, now, catalog)  # one assignment: threads see the old or the new copy
        return catalog
