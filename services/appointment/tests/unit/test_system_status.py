"""The system page's use cases over fakes: heartbeats in, replicas, readiness and today's bookings out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.replicas import ReplicaWorker, RequestWindow
from appointment_service.domain.system import SystemStatus
from appointment_service.service_layer.system import publish_heartbeat, system_status
from hospital_testing import FixedClock

from ..fakes import FakeReplicaRegistry, FakeServiceProbes, FakeUnitOfWork

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
MIDNIGHT = datetime(2027, 3, 1, tzinfo=UTC)
TTL = 15


class Ticks:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


class UnreachableUnitOfWork(FakeUnitOfWork):
    def __enter__(self) -> FakeUnitOfWork:
        raise ConnectionError("could not connect to server: Connection refused")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def registry(clock: FixedClock) -> FakeReplicaRegistry:
    return FakeReplicaRegistry(clock)


def worker(instance: str, pid: int) -> ReplicaWorker:
    return ReplicaWorker(instance=instance, address=f"127.0.0.1:{5000 + pid}", pid=pid, started_at=NOW)


def announce(
    registry: FakeReplicaRegistry, clock: FixedClock, *workers: ReplicaWorker, requests: int = 0
) -> None:
    ticks = Ticks()
    window = RequestWindow(ticks=ticks)
    for _ in range(requests):
        window.record(12.0)
    ticks.now += 59  # the requests are a minute old, but not yet more
    for each in workers:
        publish_heartbeat(worker=each, window=window, registry=registry, clock=clock, ttl_seconds=TTL)


def status(registry: FakeReplicaRegistry, clock: FixedClock, **overrides: object) -> SystemStatus:
    ports: dict[str, object] = {
        "probes": FakeServiceProbes(),
        "registry": registry,
        "uow": FakeUnitOfWork(clock),
        "clock": clock,
        "answered_by": "appointment-1",
    }
    given = ports | overrides
    return system_status(given.pop("uow"), **given)  # type: ignore[arg-type]


def appointment(
    *, start: datetime, status: AppointmentStatus = AppointmentStatus.BOOKED, created_at: datetime = NOW,
    hold_expires_at: datetime | None = None, rescheduled_from: uuid.UUID | None = None,
) -> Appointment:  # fmt: skip
    return Appointment(
        id=uuid.uuid4(), patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), start=start,
        end=start + timedelta(minutes=30), status=status, created_at=created_at,
        hold_expires_at=hold_expires_at, rescheduled_from=rescheduled_from,
    )  # fmt: skip


def test_every_announced_replica_is_listed_with_its_workers_requests_added(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    announce(registry, clock, worker("appointment-1", 1), worker("appointment-1", 2), requests=120)
    announce(registry, clock, worker("appointment-2", 3))
    report = status(registry, clock)
    assert report.replicas.count == 2
    first, second = report.replicas.items
    assert (first.name, first.workers, first.requests_last_minute) == ("appointment-1", 2, 240)
    assert first.requests_per_second == pytest.approx(240 / 59, rel=0.02)
    assert first.latency_p50_ms == pytest.approx(12.0, rel=0.1)
    assert (second.name, second.requests_per_second, second.latency_p95_ms) == ("appointment-2", 0, None)


def test_a_replica_that_stopped_announcing_itself_is_gone_after_the_ttl(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    announce(registry, clock, worker("appointment-1", 1), worker("appointment-3", 3))
    clock.advance(seconds=10)
    announce(registry, clock, worker("appointment-1", 1))  # appointment-3 was scaled away
    assert status(registry, clock).replicas.count == 2
    clock.advance(seconds=TTL - 9)
    assert [r.name for r in status(registry, clock).replicas.items] == ["appointment-1"]


def test_a_withdrawn_worker_disappears_at_once(registry: FakeReplicaRegistry, clock: FixedClock) -> None:
    announce(registry, clock, worker("appointment-1", 1), worker("appointment-2", 2))
    registry.withdraw(instance="appointment-2", pid=2)
    assert [r.name for r in status(registry, clock).replicas.items] == ["appointment-1"]


def test_an_unreadable_registry_gives_no_count_and_says_why(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    announce(registry, clock, worker("appointment-1", 1))
    registry.down = True
    report = status(registry, clock)
    assert report.replicas.count is None
    assert report.replicas.items == []
    assert "Redis" in report.replicas.detail
    assert report.bookings_today.counts is not None  # the rest of the page is still there


def test_a_service_that_is_down_is_reported_not_ready_and_the_rest_still_answers(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    probes = FakeServiceProbes()
    probes.is_down("doctor")
    report = status(registry, clock, probes=probes)
    by_name = {service.name: service for service in report.services}
    assert [s.name for s in report.services] == ["auth", "patient", "doctor", "appointment"]
    assert by_name["doctor"].ready is False
    assert by_name["auth"].ready is True
    assert report.all_ready is False
    assert report.answered_by == "appointment-1"


def test_bookings_today_counts_bookings_made_and_appointments_starting_in_the_utc_day(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    uow = FakeUnitOfWork(clock)
    tomorrow, yesterday = NOW + timedelta(days=1), NOW - timedelta(days=1)
    rows = [
        appointment(start=tomorrow),  # booked today for tomorrow: made today
        appointment(start=NOW + timedelta(hours=2)),  # booked today for today: both
        appointment(start=NOW + timedelta(hours=3), created_at=yesterday),  # on today's agenda only
        appointment(start=tomorrow, status=AppointmentStatus.CANCELLED),  # booked today, cancelled since
        appointment(start=NOW + timedelta(hours=1), status=AppointmentStatus.COMPLETED, created_at=yesterday),
        # Not bookings made today: a live hold, an expired one, a released one, a reschedule's new half.
        appointment(
            start=tomorrow, status=AppointmentStatus.HELD, hold_expires_at=NOW + timedelta(minutes=5)
        ),
        appointment(start=tomorrow, status=AppointmentStatus.EXPIRED, hold_expires_at=NOW),
        appointment(start=tomorrow, status=AppointmentStatus.CANCELLED, hold_expires_at=NOW),
        appointment(start=tomorrow + timedelta(hours=1), rescheduled_from=uuid.uuid4()),
        # Not on today's agenda: cancelled, moved elsewhere, or another day.
        appointment(start=NOW + timedelta(hours=4), status=AppointmentStatus.CANCELLED, created_at=yesterday),
        appointment(
            start=NOW + timedelta(hours=5), status=AppointmentStatus.RESCHEDULED, created_at=yesterday
        ),
        appointment(start=MIDNIGHT - timedelta(minutes=30), created_at=yesterday),
        appointment(start=MIDNIGHT + timedelta(days=1), created_at=yesterday),
        appointment(start=tomorrow, created_at=MIDNIGHT - timedelta(seconds=1)),
        # The day includes its first instant.
        appointment(start=tomorrow, created_at=MIDNIGHT),
        appointment(start=MIDNIGHT, created_at=yesterday),
    ]
    uow.appointments.rows = {row.id: row for row in rows}
    bookings = status(registry, clock, uow=uow).bookings_today
    assert (bookings.start, bookings.end) == (MIDNIGHT, MIDNIGHT + timedelta(days=1))
    assert bookings.day.isoformat() == "2027-03-01"
    assert bookings.created_today == 4
    assert bookings.starting_today == 4


def test_today_is_the_utc_day_whatever_the_clock_zone(registry: FakeReplicaRegistry) -> None:
    late_evening_in_new_york = FixedClock(datetime(2027, 3, 1, 22, 0, tzinfo=ZoneInfo("America/New_York")))
    bookings = status(registry, late_evening_in_new_york).bookings_today
    assert bookings.day.isoformat() == "2027-03-02"


def test_an_unreachable_database_gives_no_counts_and_says_why(
    registry: FakeReplicaRegistry, clock: FixedClock
) -> None:
    bookings = status(registry, clock, uow=UnreachableUnitOfWork(clock)).bookings_today
    assert bookings.counts is None
    assert bookings.created_today is None and bookings.starting_today is None
    assert "database" in bookings.detail
