"""Prometheus counts of bookings and holds by outcome: what the dashboard's booking panels and the
booking-failure alert read (k8s/base/monitoring/rules/hospital.rules.yml)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from prometheus_client import Counter

from hospital_shared.errors import Conflict, ProblemError

BOOKINGS = Counter(
    "appointment_bookings_total",
    "Tries to book or hold a slot, by kind (booking, hold, guest_hold, confirm) and outcome "
    "(ok; conflict: the slot was taken or the hold expired; rejected: any other refusal; error: a failure).",
    ["kind", "outcome"],
)

View = TypeVar("View", bound=Callable[..., Any])


def outcome_of(error: BaseException) -> str:
    if isinstance(error, Conflict):
        return "conflict"
    if isinstance(error, ProblemError) and error.status < 500:
        return "rejected"
    return "error"


def counted_booking(kind: str) -> Callable[[View], View]:
    """Count each call of the view (innermost decorator: after parsing and the identity check) by outcome."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                answer = view(*args, **kwargs)
            except Exception as error:
                BOOKINGS.labels(kind, outcome_of(error)).inc()
                raise
            BOOKINGS.labels(kind, "ok").inc()
            return answer

        return wrapper  # type: ignore[return-value]

    return decorate
