"""`make seed-bench`: fill a running stack with the bench hospital (2,000 doctors, 200,000+ appointments).

    .venv/bin/python -m tests.load.seed_bench [--doctors 2000] [--appointments-per-doctor N] [--no-wait]

Where: the stack named by the environment, as tools/stack/config.py reads it (DATABASE_ADMIN_URL, DB_PREFIX,
REDIS_URL, APPOINTMENT_CACHE_REDIS_URL; a stack started by `make up` needs none of them), or the explicit
--*-url options.
From Python: seed(SeedTargets.from_environment(stack.env), SeedOptions(...)) for a StackUnderTest.

1. Doctors go into Doctor-MS's database in bulk, each with the doctor.created outbox row Doctor-MS itself
   would write (payload from doctor_service.domain.events.doctor_changed over a real Doctor object).
   Doctor-MS's relay publishes them to the `doctor-events` stream; Appointment-MS's projection consumer
   applies them. Doctor-MS's directory cache (`doctor:cache:*` in Redis) is dropped.
2. It waits until Appointment-MS's projection holds every bench doctor.
3. Appointments go straight into Appointment-MS's database with COPY; the schedules come from Doctor-MS's
   rows, so the grid, buffers and time off are the ones the slot finder sees. Its caches (`appt:*`) are
   dropped.

Rerunning is safe: bench doctors are recognised by their uuid5 ids (tests.load.bench_doctors) and kept as
they are; only bench doctors without any active appointment get appointments. --doctors 20000 after 2000
adds the 18,000 missing ones.
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from sqlalchemy import Engine, create_engine, insert, pool, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from doctor_service.adapters.postgres.models import (
    DoctorRow,
    DoctorSpecializationRow,
    SpecializationRow,
    TimeOffRow,
    doctor_outbox,
)
from doctor_service.domain.doctor import Doctor, Specialization
from doctor_service.domain.events import DoctorEventType, doctor_changed
from hospital_shared.schedule import TimeOff, TimeOffKind, WeeklySchedule, WorkingWindow
from tests.load.bench_appointments import COLUMNS, BookableWeek, book_hospital
from tests.load.bench_doctors import Catalog, bench_doctor, bench_doctor_ids
from tools.stack.config import SERVICES, StackConfig

DOCTOR_CACHE_PATTERN = "doctor:cache:*"
APPOINTMENT_CACHE_PATTERN = "appt:*"
COPY_BATCH = 50_000


@dataclass(frozen=True)
class SeedTargets:
    """The two databases and the Redis the bench hospital goes into."""

    doctor_database_url: str
    appointment_database_url: str
    redis_url: str | None  # sessions, the doctor-events stream and Doctor-MS's directory cache
    appointment_cache_redis_url: str | None = None  # Appointment-MS's slot cache, when not in redis_url's

    @property
    def slot_cache_redis_url(self) -> str | None:
        return self.appointment_cache_redis_url or self.redis_url

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SeedTargets:
        """The stack named by these variables (os.environ, or a StackUnderTest's env)."""
        defaults = StackConfig()
        config = StackConfig(
            database_admin_url=env.get("DATABASE_ADMIN_URL", defaults.database_admin_url),
            db_prefix=env.get("DB_PREFIX", ""),
            redis_url=env.get("REDIS_URL", defaults.redis_url),
        )
        by_name = {s.name: s for s in SERVICES}
        return cls(
            config.database_url(by_name["doctor"]),
            config.database_url(by_name["appointment"]),
            config.redis_url,
            env.get("APPOINTMENT_CACHE_REDIS_URL") or None,
        )


@dataclass(frozen=True)
class SeedOptions:
    doctors: int = 2000
    appointments_per_doctor: int | None = None  # at most this many per doctor; None: as the load gives
    wait_for_projection: bool = True
    projection_timeout_seconds: float = 180.0


@dataclass
class SeedReport:
    doctors_added: int = 0
    doctors_present: int = 0
    appointments_added: int = 0
    doctors_booked: int = 0
    doctors_already_booked: int = 0
    cache_keys_dropped: int = 0
    load_min: float = 0.0
    load_median: float = 0.0
    load_max: float = 0.0
    timings: dict[str, float] | None = None


def _engine(url: str) -> Engine:
    return create_engine(url, poolclass=pool.NullPool)


def _say(message: str) -> None:
    print(f"==> {message}", flush=True)


# -- phase 1: doctors ------------------------------------------------------------------------------------


def read_catalog(engine: Engine) -> Catalog:
    with engine.connect() as connection:
        rows = connection.execute(select(SpecializationRow.__table__)).mappings().all()
    return Catalog(
        {
            r["slug"]: Specialization(r["slug"], r["name"], r["default_duration_minutes"], r["description"])
            for r in rows
        }
    )


def _doctor_values(doctor: Doctor) -> dict[str, object]:
    return {
        "id": doctor.id,
        "user_id": doctor.user_id,
        "full_name": doctor.full_name,
        "bio": doctor.bio,
        "languages": list(doctor.languages),
        "clinic": doctor.clinic,
        "location": doctor.location,
        "time_zone": doctor.time_zone,
        "photo_url": doctor.photo_url,
        "accepting_new_patients": doctor.accepting_new_patients,
        "schedule": doctor.schedule.to_document(),
        "schedule_version": doctor.schedule_version,
        "version": doctor.version,
    }


def _time_off_values(doctor: Doctor) -> Iterator[dict[str, object]]:
    for entry in doctor.time_off:
        yield {
            "id": entry.id,
            "doctor_id": doctor.id,
            "kind": entry.kind.value,
            "start_date": entry.start_date,
            "end_date": entry.end_date,
            "start_minute": entry.window.start_minute if entry.window else None,
            "end_minute": entry.window.end_minute if entry.window else None,
            "reason": entry.reason,
        }


def _outbox_values(doctor: Doctor, catalog: Catalog, occurred_at: datetime) -> dict[str, object]:
    event = doctor_changed(doctor, DoctorEventType.CREATED, catalog=catalog.by_slug, occurred_at=occurred_at)
    return {
        "event_id": event.event_id,
        "event_type": event.type.value,
        "aggregate_id": event.doctor_id,
        "version": event.version,
        "payload": event.payload,
        "occurred_at": event.occurred_at,
    }


def insert_doctors(engine: Engine, *, count: int, now: datetime) -> tuple[int, int]:
    """Add the bench doctors 0..count-1 that are not there yet; returns (added, already there)."""
    catalog = read_catalog(engine)
    ids = bench_doctor_ids(count)
    with engine.connect() as connection:
        present = set(connection.scalars(select(DoctorRow.id).where(DoctorRow.id.in_(ids))))
    doctors = [bench_doctor(i, catalog, today=now.date()) for i, d in enumerate(ids) if d not in present]
    if not doctors:
        return 0, len(present)
    with engine.begin() as connection:
        connection.execute(insert(DoctorRow.__table__), [_doctor_values(d) for d in doctors])
        links = [
            {"doctor_id": d.id, "specialization_slug": slug, "position": position}
            for d in doctors
            for position, slug in enumerate(d.specializations)
        ]
        connection.execute(insert(DoctorSpecializationRow.__table__), links)
        time_off = [values for d in doctors for values in _time_off_values(d)]
        if time_off:
            connection.execute(insert(TimeOffRow.__table__), time_off)
        connection.execute(insert(doctor_outbox), [_outbox_values(d, catalog, now) for d in doctors])
    return len(doctors), len(present)


# -- phase 2: the projection -----------------------------------------------------------------------------


def wait_for_projection(
    appointments: Engine, doctors: Engine, redis_client: redis.Redis | None, *, ids: Sequence[uuid.UUID],
    timeout_seconds: float,
) -> float:  # fmt: skip
    """Until Appointment-MS's `doctors` table holds every id; returns the seconds waited."""
    started = time.monotonic()
    query = text("SELECT count(*) FROM doctors WHERE id = ANY(:ids)")
    id_list = list(ids)
    seen = -1
    while True:
        with appointments.connect() as connection:
            seen = connection.scalar(query, {"ids": id_list}) or 0
        if seen >= len(id_list):
            return time.monotonic() - started
        if time.monotonic() - started > timeout_seconds:
            break
        time.sleep(0.5)
    with doctors.connect() as connection:
        unpublished = connection.scalar(text("SELECT count(*) FROM doctor_outbox WHERE published_at IS NULL"))
    stream = redis_client.xlen("doctor-events") if redis_client is not None else "?"
    raise SystemExit(
        f"Appointment-MS's projection holds {seen} of the {len(id_list)} bench doctors after "
        f"{timeout_seconds:.0f} s. Doctor-MS's outbox still has {unpublished} unpublished event(s); the "
        f"doctor-events stream has {stream} entries. Is Doctor-MS's relay running (make status), and is "
        "Appointment-MS's projection consumer following the stream (make logs)? Rerun with --no-wait to "
        "seed appointments anyway."
    )


# -- phase 3: appointments -------------------------------------------------------------------------------


def read_bookable_weeks(engine: Engine, ids: Sequence[uuid.UUID]) -> list[BookableWeek]:
    """The schedules, time off and specialties Doctor-MS holds for these doctors (the truth, not the plan)."""
    with engine.connect() as connection:
        schedules = dict(
            connection.execute(select(DoctorRow.id, DoctorRow.schedule).where(DoctorRow.id.in_(ids))).all()
        )
        links = connection.execute(
            select(DoctorSpecializationRow.doctor_id, DoctorSpecializationRow.specialization_slug)
            .where(DoctorSpecializationRow.doctor_id.in_(ids))
            .order_by(DoctorSpecializationRow.doctor_id, DoctorSpecializationRow.position)
        ).all()
        entries = connection.execute(select(TimeOffRow).where(TimeOffRow.doctor_id.in_(ids))).all()
    slugs: dict[uuid.UUID, list[str]] = {}
    for doctor_id, slug in links:
        slugs.setdefault(doctor_id, []).append(slug)
    time_off: dict[uuid.UUID, list[TimeOff]] = {}
    for row in entries:
        window = WorkingWindow(row.start_minute, row.end_minute) if row.start_minute is not None else None
        time_off.setdefault(row.doctor_id, []).append(
            TimeOff(row.id, TimeOffKind(row.kind), row.start_date, row.end_date, window, row.reason)
        )
    return [
        BookableWeek(d, WeeklySchedule.from_document(schedules[d]), time_off.get(d, []), slugs.get(d, []))
        for d in ids
        if d in schedules and slugs.get(d)
    ]


def _copy_text(rows: Iterable[tuple[str, ...]]) -> io.StringIO:
    buffer = io.StringIO()
    buffer.writelines("\t".join(row) + "\n" for row in rows)
    buffer.seek(0)
    return buffer


class ParallelCopy:
    """COPY batches over two connections at once: the server's exclusion-constraint checks, not Python,
    are the slow part, and two backends use both cores. Each connection commits once, at the end."""

    def __init__(self, engine: Engine, *, connections: int = 2) -> None:
        self._engine = engine
        self._batches: queue.Queue[list[tuple[str, ...]] | None] = queue.Queue(maxsize=connections)
        self._errors: list[BaseException] = []
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(connections)]

    def __enter__(self) -> ParallelCopy:
        for thread in self._threads:
            thread.start()
        return self

    def send(self, rows: list[tuple[str, ...]]) -> None:
        if self._errors:
            raise self._errors[0]
        self._batches.put(rows)

    def _work(self) -> None:
        statement = f"COPY appointments ({', '.join(COLUMNS)}) FROM STDIN"
        raw = None
        # Keeps taking batches after a failure (dropping them), so the producer never waits on a full queue.
        while (rows := self._batches.get()) is not None:
            if self._errors:
                continue
            try:
                raw = raw or self._engine.raw_connection()
                with raw.cursor() as cursor:
                    cursor.copy_expert(statement, _copy_text(rows))
            except Exception as error:  # handed to the producer, which raises it
                self._errors.append(error)
        if raw is not None:
            if not self._errors:
                raw.commit()
            raw.close()

    def __exit__(self, *exc: object) -> None:
        for _ in self._threads:
            self._batches.put(None)
        for thread in self._threads:
            thread.join()
        if self._errors and exc[0] is None:
            raise self._errors[0]


def insert_appointments(
    appointments: Engine, doctors: Engine, *, ids: Sequence[uuid.UUID], now: datetime,
    limit_per_doctor: int | None, report: SeedReport,
) -> None:  # fmt: skip
    """COPY appointments for the bench doctors that have no active appointment yet."""
    with appointments.connect() as connection:
        booked = set(
            connection.scalars(
                text(
                    "SELECT DISTINCT doctor_id FROM appointments "
                    "WHERE doctor_id = ANY(:ids) AND status IN ('booked', 'held')"
                ),
                {"ids": list(ids)},
            )
        )
    todo = [d for d in ids if d not in booked]
    report.doctors_already_booked = len(booked)
    weeks = read_bookable_weeks(doctors, todo)
    loads: list[float] = []
    pending: list[tuple[str, ...]] = []
    with ParallelCopy(appointments) as copy:
        for bookings in book_hospital(weeks, now=now, limit_per_doctor=limit_per_doctor):
            pending.extend(bookings.rows)  # a batch holds whole doctors, so a failed one loses whole doctors
            loads.append(bookings.load)
            if len(pending) >= COPY_BATCH:
                copy.send(pending)
                report.appointments_added += len(pending)
                pending = []
        if pending:
            copy.send(pending)
            report.appointments_added += len(pending)
    report.doctors_booked = len(weeks)
    if loads:
        ordered = sorted(loads)
        report.load_min, report.load_max = ordered[0], ordered[-1]
        report.load_median = ordered[len(ordered) // 2]


# -- caches ----------------------------------------------------------------------------------------------


def drop_keys(client: redis.Redis, pattern: str) -> int:
    """Delete every key matching `pattern` (SCAN, never KEYS: the server keeps answering meanwhile)."""
    dropped = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 500:
            dropped += client.delete(*batch)
            batch = []
    if batch:
        dropped += client.delete(*batch)
    return dropped


# -- the whole seed --------------------------------------------------------------------------------------


def seed(targets: SeedTargets, options: SeedOptions, *, now: datetime | None = None) -> SeedReport:
    """The three phases, each timed and printed."""
    now = now or datetime.now(UTC)
    report = SeedReport(timings={})
    assert report.timings is not None
    doctors, appointments = _engine(targets.doctor_database_url), _engine(targets.appointment_database_url)
    client = redis.Redis.from_url(targets.redis_url) if targets.redis_url else None
    cache_url = targets.slot_cache_redis_url
    slot_cache = redis.Redis.from_url(cache_url) if cache_url and client is not None else None
    ids = bench_doctor_ids(options.doctors)
    started = time.monotonic()
    try:
        report.doctors_added, report.doctors_present = insert_doctors(doctors, count=options.doctors, now=now)
        if client is not None:
            report.cache_keys_dropped += drop_keys(client, DOCTOR_CACHE_PATTERN)
        report.timings["doctors"] = time.monotonic() - started
        _say(
            f"doctors: {report.doctors_added} added with their doctor.created events, "
            f"{report.doctors_present} already there ({report.timings['doctors']:.1f} s)"
        )
        if options.wait_for_projection:
            mark = time.monotonic()
            wait_for_projection(
                appointments, doctors, client, ids=ids, timeout_seconds=options.projection_timeout_seconds
            )
            report.timings["projection"] = time.monotonic() - mark
            waited = report.timings["projection"]
            _say(f"projection: Appointment-MS holds all {len(ids)} bench doctors ({waited:.1f} s)")
        mark = time.monotonic()
        insert_appointments(
            appointments, doctors, ids=ids, now=now, limit_per_doctor=options.appointments_per_doctor,
            report=report,
        )  # fmt: skip
        if slot_cache is not None:
            report.cache_keys_dropped += drop_keys(slot_cache, APPOINTMENT_CACHE_PATTERN)
        report.timings["appointments"] = time.monotonic() - mark
        _say(
            f"appointments: {report.appointments_added} booked for {report.doctors_booked} doctors "
            f"({report.doctors_already_booked} had some already); load min/median/max "
            f"{report.load_min:.0%}/{report.load_median:.0%}/{report.load_max:.0%} "
            f"({report.timings['appointments']:.1f} s)"
        )
    finally:
        doctors.dispose()
        appointments.dispose()
        for connection in (client, slot_cache):
            if connection is not None:
                connection.close()
    report.timings["total"] = time.monotonic() - started
    total = report.timings["total"]
    _say(f"bench hospital ready: {report.cache_keys_dropped} cache keys dropped; total {total:.1f} s")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doctors", type=int, default=2000, help="bench doctors 0..N-1 (default 2000)")
    parser.add_argument(
        "--appointments-per-doctor", type=int, default=None,
        help="at most this many per doctor (default: as each doctor's 10-70%% load gives)",
    )  # fmt: skip
    parser.add_argument("--no-wait", action="store_true", help="do not wait for Appointment-MS's projection")
    parser.add_argument("--projection-timeout", type=float, default=180.0, help="seconds (default 180)")
    parser.add_argument("--doctor-database-url", help="instead of DATABASE_ADMIN_URL + DB_PREFIX's")
    parser.add_argument("--appointment-database-url", help="instead of the stack's")
    parser.add_argument("--redis-url", help="instead of REDIS_URL; 'none' leaves Redis alone")
    parser.add_argument(
        "--cache-redis-url", help="instead of APPOINTMENT_CACHE_REDIS_URL (default: REDIS_URL)"
    )
    args = parser.parse_args(argv)
    targets = SeedTargets.from_environment(os.environ)
    targets = SeedTargets(
        args.doctor_database_url or targets.doctor_database_url,
        args.appointment_database_url or targets.appointment_database_url,
        None if args.redis_url == "none" else (args.redis_url or targets.redis_url),
        args.cache_redis_url or targets.appointment_cache_redis_url,
    )
    options = SeedOptions(
        doctors=args.doctors,
        appointments_per_doctor=args.appointments_per_doctor,
        wait_for_projection=not args.no_wait,
        projection_timeout_seconds=args.projection_timeout,
    )
    try:
        seed(targets, options)
    except (OperationalError, ProgrammingError) as error:
        first = str(error.orig or error).strip().splitlines()[0]
        raise SystemExit(
            f"cannot seed {targets.doctor_database_url} / {targets.appointment_database_url}: {first}\n"
            "Is the stack up and migrated (make up)? For another stack, set DATABASE_ADMIN_URL, DB_PREFIX "
            "and REDIS_URL as it was started with."
        ) from error
    return 0


if __name__ == "__main__":
    sys.exit(main())
