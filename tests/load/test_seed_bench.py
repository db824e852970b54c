"""The bench hospital keeps every rule the services keep, on throw-away databases and a private Redis."""

from __future__ import annotations

import bisect
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, pool, select, text
from sqlalchemy.orm import Session

from doctor_service.adapters.postgres.models import doctor_outbox
from doctor_service.adapters.postgres.repository import SqlDoctorRepository
from doctor_service.domain.events import DoctorEventType, doctor_changed
from hospital_testing import migrated_database
from tests.e2e.stack import PrivateRedis
from tests.load.bench_appointments import HORIZON_DAYS
from tests.load.bench_doctors import bench_doctor_ids
from tests.load.seed_bench import SeedOptions, SeedTargets, read_catalog, seed, wait_for_projection

REPO = Path(__file__).resolve().parents[2]
DOCTORS = 20
PER_DOCTOR = 12
OPTIONS = SeedOptions(doctors=DOCTORS, appointments_per_doctor=PER_DOCTOR, wait_for_projection=False)
NOW = datetime(2026, 3, 27, 9, 17, tzinfo=UTC)  # the Friday before Europe's switch to summer time


@pytest.fixture(scope="module")
def hospital() -> Iterator[tuple[SeedTargets, redis.Redis, redis.Redis]]:
    """The seeded hospital, its Redis and the Redis of Appointment-MS's slot cache (a separate one)."""
    with (
        migrated_database("doctor", REPO / "services" / "doctor") as doctors,
        migrated_database("appointment", REPO / "services" / "appointment") as appointments,
        tempfile.TemporaryDirectory() as main_directory,
        tempfile.TemporaryDirectory() as cache_directory,
    ):
        main, cache = PrivateRedis(Path(main_directory)), PrivateRedis(Path(cache_directory))
        main.start()
        cache.start()
        try:
            client, cache_client = redis.Redis.from_url(main.url), redis.Redis.from_url(cache.url)
            client.set("doctor:cache:answer:1:cardiology", "stale")
            client.set("session:keep-me", "1")
            cache_client.set("appt:slots:spec:cardiology:1:x", "stale")
            targets = SeedTargets(doctors, appointments, main.url, cache.url)
            seed(targets, OPTIONS, now=NOW)
            yield targets, client, cache_client
            client.close()
            cache_client.close()
        finally:
            main.stop()
            cache.stop()


def _rows(url: str, query: str) -> list:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)).mappings())
    finally:
        engine.dispose()


def _doctors(targets: SeedTargets) -> dict:
    """The bench doctors as Doctor-MS's own repository reads them back."""
    engine = create_engine(targets.doctor_database_url, poolclass=pool.NullPool)
    try:
        with Session(engine) as session:
            repository = SqlDoctorRepository(session)
            return {d: repository.get(d) for d in bench_doctor_ids(DOCTORS)}
    finally:
        engine.dispose()


def test_each_bench_doctor_has_the_created_event_doctor_ms_would_write(hospital) -> None:
    targets = hospital[0]
    doctors = _doctors(targets)
    assert all(doctors.values())
    engine = create_engine(targets.doctor_database_url, poolclass=pool.NullPool)
    catalog = read_catalog(engine)
    with engine.connect() as connection:
        events = {row.aggregate_id: row for row in connection.execute(select(doctor_outbox))}
    engine.dispose()
    assert set(events) == set(doctors)
    for doctor_id, doctor in doctors.items():
        event = events[doctor_id]
        assert (event.event_type, event.version, event.published_at) == ("doctor.created", 1, None)
        # Read back through Doctor-MS's own repository, the doctor gives exactly the payload in the outbox.
        expected = doctor_changed(doctor, DoctorEventType.CREATED, catalog=catalog.by_slug, occurred_at=NOW)
        assert event.payload == expected.payload


def test_the_bench_doctors_vary_like_a_real_hospital(hospital) -> None:
    doctors = list(_doctors(hospital[0]).values())
    assert len({d.time_zone for d in doctors}) >= 6
    assert len({d.schedule.slot_step_minutes for d in doctors}) >= 3
    assert len({d.schedule.buffer_minutes for d in doctors}) >= 2
    assert len({s for d in doctors for s in d.specializations}) >= 6
    assert all(2 <= len(code) <= 3 for d in doctors for code in d.languages)


def test_every_appointment_sits_on_its_doctors_grid_and_nothing_overlaps(hospital) -> None:
    targets = hospital[0]
    doctors = _doctors(targets)
    rows = _rows(targets.appointment_database_url, "SELECT * FROM appointments ORDER BY doctor_id, starts_at")
    assert DOCTORS * PER_DOCTOR * 0.8 <= len(rows) <= DOCTORS * PER_DOCTOR
    grids = {}
    for doctor_id, doctor in doctors.items():
        intervals = doctor.schedule.working_intervals_between(
            NOW - timedelta(days=1), NOW + timedelta(days=HORIZON_DAYS + 2), doctor.time_off
        )
        grids[doctor_id] = intervals
    previous: dict[uuid.UUID, datetime] = {}
    for row in rows:
        doctor = doctors[row["doctor_id"]]
        schedule = doctor.schedule
        starts = [i.start for i in grids[row["doctor_id"]]]
        interval = grids[row["doctor_id"]][bisect.bisect_right(starts, row["starts_at"]) - 1]
        offset = (row["starts_at"] - interval.start).total_seconds() / 60
        assert offset % schedule.slot_step_minutes == 0 and row["ends_at"] <= interval.end
        kind = schedule.appointment_type(row["appointment_type"])
        assert kind is not None
        assert row["ends_at"] - row["starts_at"] == timedelta(minutes=kind.duration_minutes)
        assert row["blocked_until"] == row["ends_at"] + timedelta(minutes=schedule.buffer_minutes)
        assert row["status"] == "booked" and row["specialization"] in doctor.specializations and row["reason"]
        assert row["created_at"] < NOW < row["starts_at"] < NOW + timedelta(days=HORIZON_DAYS)
        assert row["starts_at"] >= previous.get(row["doctor_id"], row["starts_at"])
        previous[row["doctor_id"]] = row["blocked_until"]


def test_no_patient_holds_two_overlapping_appointments(hospital) -> None:
    clashes = _rows(
        hospital[0].appointment_database_url,
        "SELECT count(*) AS n FROM appointments a JOIN appointments b ON a.patient_id = b.patient_id "
        "AND a.id <> b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
    )
    assert clashes[0]["n"] == 0


def test_the_caches_are_dropped_and_nothing_else(hospital) -> None:
    _, client, cache_client = hospital
    assert client.keys("doctor:cache:*") == [] and cache_client.keys("appt:*") == []
    assert client.get("session:keep-me") == b"1"


def test_seeding_again_adds_nothing(hospital) -> None:
    targets = hospital[0]
    report = seed(targets, OPTIONS, now=NOW)
    assert (report.doctors_added, report.doctors_present, report.appointments_added) == (0, DOCTORS, 0)


def test_waiting_for_a_projection_that_never_comes_says_what_to_check(hospital) -> None:
    targets, client, _ = hospital
    appointments = create_engine(targets.appointment_database_url, poolclass=pool.NullPool)
    doctors = create_engine(targets.doctor_database_url, poolclass=pool.NullPool)
    with pytest.raises(SystemExit, match=r"projection holds 0 of the 20 bench doctors.*20 unpublished"):
        wait_for_projection(appointments, doctors, client, ids=bench_doctor_ids(DOCTORS), timeout_seconds=0)
    appointments.dispose()
    doctors.dispose()
