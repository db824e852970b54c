"""The stack the faults are injected into: its own PostgreSQL and Redis, three cardiologists, eight patients.

Everything the faults touch belongs to this run alone: a private PostgreSQL cluster (tests/chaos/postgres.py),
a private Redis (tests/e2e/stack.py's PrivateRedis, restarted on the same port) and a StackUnderTest on
free ports whose supervisord runs the services, the gateway and the SMTP sink.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import text

from tests.chaos.load import BookingSlot, Load, booking_slots
from tests.chaos.postgres import PrivatePostgres
from tests.e2e.browser import BrowserSession
from tests.e2e.stack import PrivateRedis, StackUnderTest
from tests.e2e.test_appointments import PASSWORD, doctor_account, wait_until, week

ZONE = "Europe/Berlin"
DOCTORS = ("Dr. Ada Quinn", "Dr. Bo Rhee", "Dr. Cy Dahl")
PATIENTS = 8
REPLICAS = "appointment-{}"


@dataclass
class ChaosHospital:
    stack: StackUnderTest
    postgres: PrivatePostgres
    redis: PrivateRedis
    doctors: list[str] = field(default_factory=list)
    patients: list[BrowserSession] = field(default_factory=list)
    slots: Iterator[BookingSlot] | None = None
    replicas: int = 1  # of Appointment-MS, as last scaled

    # ------------------------------------------------------------------ load

    def load(self, *, max_requests: int, rate: float, workers: int = 6) -> Load:
        assert self.slots is not None
        return Load(
            self.stack.url, self.patients, self.slots, workers=workers, max_requests=max_requests, rate=rate
        )

    # ------------------------------------------------------------------ faults

    def scale(self, replicas: int) -> None:
        if replicas != self.replicas:
            self.stack.run("scale", str(replicas))
            self.replicas = replicas

    def reload_gateway(self) -> None:
        nginx_conf = self.stack.directory / "nginx" / "nginx.conf"
        subprocess.run(["nginx", "-c", str(nginx_conf), "-s", "reload"], check=True, capture_output=True)

    def kill_replica(self, replica: int) -> int:
        """SIGKILL a replica's whole process group (gunicorn's master and workers), as an OOM kill would."""
        pid = self.stack.program_pids()[REPLICAS.format(replica)]
        os.killpg(os.getpgid(pid), signal.SIGKILL)
        return pid

    def wait_restarted(self, program: str, old_pid: int, *, seconds: float = 30) -> bool:
        """Whether supervisord runs `program` again under a new PID within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.stack.program_pids().get(program, old_pid) != old_pid:
                return True
            time.sleep(0.5)
        return False

    def supervisorctl(self, *args: str) -> None:
        conf = self.stack.directory / "supervisord.conf"
        subprocess.run(
            [str(Path(sys.executable).parent / "supervisorctl"), "-c", str(conf), *args],
            check=True, capture_output=True, text=True,
        )  # fmt: skip

    # ------------------------------------------------------------------ the truth: the appointments database

    def appointments_url(self) -> str:
        name = self.stack.env["DB_PREFIX"] + "appointments"
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.postgres.port}/{name}"

    def query(self, sql: str, **params: Any) -> list[Any]:
        engine = sqlalchemy.create_engine(self.appointments_url(), poolclass=sqlalchemy.pool.NullPool)
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(sql), params))
        finally:
            engine.dispose()

    def booked_ids(self) -> dict[str, int]:
        """How many rows each appointment id has (a primary key: one, but it is what we promise)."""
        rows = self.query("SELECT id::text, count(*) FROM appointments GROUP BY id")
        return {row[0]: row[1] for row in rows}

    def overlapping_bookings(self) -> int:
        """Active appointments of one doctor (or one patient) whose times overlap: constraints say none."""
        return self.query(
            """SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id
               AND (a.doctor_id = b.doctor_id OR a.patient_id = b.patient_id)
               AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until)
               WHERE a.status IN ('booked', 'held') AND b.status IN ('booked', 'held')"""
        )[0][0]

    def unsent_mails(self, appointment_ids: list[str]) -> int:
        if not appointment_ids:
            return 0
        return self.query(
            "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND appointment_id::text = ANY(:ids)",
            ids=appointment_ids,
        )[0][0]

    def service_pids(self) -> dict[str, int]:
        return self.stack.program_pids()


def furnish(hospital: ChaosHospital) -> None:
    """An admin, three cardiologists working 08:00-18:00 every day, eight signed-in patients."""
    stack = hospital.stack
    admin_email = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    stack.run("admin", "--email", admin_email, "--password", PASSWORD)
    admin = BrowserSession(stack.url).login(admin_email, PASSWORD)
    for name in DOCTORS:
        created = admin.post(
            "/api/v1/doctors",
            json={"user_id": doctor_account(admin, name), "full_name": name,
                  "specializations": ["cardiology"], "time_zone": ZONE},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        doctor_id = created.json()["id"]
        etag = admin.get(f"/api/v1/doctors/{doctor_id}/schedule").headers["ETag"]
        put = admin.put(
            f"/api/v1/doctors/{doctor_id}/schedule", json=week(zone=ZONE), headers={"If-Match": etag}
        )
        assert put.status_code == 200, put.text
        hospital.doctors.append(doctor_id)
    for index in range(PATIENTS):
        address = f"chaos{index}.{uuid.uuid4().hex[:6]}@example.org"
        hospital.patients.append(
            BrowserSession(stack.url).register(address, PASSWORD, f"Pat {chr(65 + index)}")
        )
    for doctor_id in hospital.doctors:
        wait_until(
            lambda d=doctor_id: stack.get(f"/api/v1/slots/next?doctor_id={d}").status_code == 200, seconds=30
        )
    first_day = (datetime.now(UTC) + timedelta(days=2)).date()
    hospital.slots = booking_slots(hospital.doctors, PATIENTS, first_day=first_day, zone=ZONE)


@contextlib.contextmanager
def chaos_hospital() -> Iterator[ChaosHospital]:
    """Start everything, furnish it, and take it all down again (the private cluster is deleted)."""
    root = Path(tempfile.mkdtemp(prefix="hospital-chaos-"))
    (root / "redis").mkdir()
    postgres = PrivatePostgres()
    postgres.init()
    postgres.start()
    redis = PrivateRedis(root / "redis", durable=True)  # sessions and streams survive its restart
    redis.start()
    stack = StackUnderTest(directory=root / "state", redis=redis)
    stack.env |= {"DATABASE_ADMIN_URL": postgres.admin_url, "APPOINTMENT_REPLICAS": "1"}
    hospital = ChaosHospital(stack=stack, postgres=postgres, redis=redis)
    try:
        stack.run("up")
        furnish(hospital)
        yield hospital
    finally:
        stack.run("down", check=False)
        redis.stop()
        postgres.destroy()
        time.sleep(0.1)
