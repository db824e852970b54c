"""The admin's system page, and the heartbeats that let it find every Appointment-MS replica.

The page is a report, not a dependency: whatever it cannot read (Redis for the replicas, PostgreSQL for
the bookings) it says so about, and still answers with the rest.
"""

from __future__ import annotations

import logging

from appointment_service.domain.replicas import ReplicaWorker, RequestWindow, WorkerHeartbeat, replicas_from
from appointment_service.domain.system import (
    BookingsToday,
    ReplicaReport,
    SystemStatus,
    utc_day,
)
from appointment_service.ports import AppointmentUnitOfWork, ReplicaRegistry, ServiceProbes
from hospital_shared.clock import Clock

log = logging.getLogger(__name__)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def publish_heartbeat(
    *, worker: ReplicaWorker, window: RequestWindow, registry: ReplicaRegistry, clock: Clock, ttl_seconds: int
) -> WorkerHeartbeat:
    """Announce this worker and its last minute of requests, for `ttl_seconds` unless renewed."""
    heartbeat = WorkerHeartbeat.of(worker, window.snapshot(), now=clock.now())
    registry.publish(heartbeat, ttl_seconds=ttl_seconds)
    return heartbeat


def _replicas(registry: ReplicaRegistry) -> ReplicaReport:
    try:
        return ReplicaReport(items=replicas_from(registry.live()))
    except Exception as error:  # the registry's store is down: the page says so instead of failing
        log.warning("replica registry unreadable", extra={"error": _first_line(error)})
        return ReplicaReport(
            items=[], detail=f"The replica registry (Redis) could not be read: {_first_line(error)}"
        )


def _bookings_today(uow: AppointmentUnitOfWork, clock: Clock) -> BookingsToday:
    start, end = utc_day(clock.now())
    try:
        with uow:
            counts = uow.appointments.booking_counts(start=start, end=end)
    except Exception as error:  # PostgreSQL is down: the page says so instead of failing
        log.warning("bookings could not be counted", extra={"error": _first_line(error)})
        detail = f"The appointments database could not be read: {_first_line(error)}"
        return BookingsToday(day=start.date(), start=start, end=end, counts=None, detail=detail)
    return BookingsToday(day=start.date(), start=start, end=end, counts=counts)


def system_status(
    uow: AppointmentUnitOfWork,
    *,
    probes: ServiceProbes,
    registry: ReplicaRegistry,
    clock: Clock,
    answered_by: str,
) -> SystemStatus:
    """Every service's readiness, the replicas that announced themselves, and today's bookings (UTC)."""
    services = probes.check_all()
    return SystemStatus(
        generated_at=clock.now(),
        answered_by=answered_by,
        services=services,
        replicas=_replicas(registry),
        bookings_today=_bookings_today(uow, clock),
    )
