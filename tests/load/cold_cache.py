"""The first slot answer after a schedule change: one request at a time, so plain Python, not wrk.

A cardiologist's schedule is changed (an admin PUTs it with If-Match: an early Sunday window comes and goes),
the bench waits until Appointment-MS's projection has the new version (read from its database when the bench
may, otherwise by asking the slot finder for that Sunday), then times ONE cardiology search. That answer
cannot come from a cache filled before the change.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import create_engine, pool, text
from sqlalchemy.exc import OperationalError

from tests.e2e.browser import BrowserSession

SUNDAY_WINDOW = {"start": "06:00", "end": "07:00"}
READ_ONLY_FIELDS = {"doctor_id", "version"}


@dataclass(frozen=True)
class ColdCacheResult:
    doctor_id: str
    timings_ms: list[float]
    unseen_changes: int  # changes the bench gave up waiting for (the answer was timed anyway)

    @property
    def max_ms(self) -> float:
        return max(self.timings_ms)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class ChangeWatcher:
    """Tells when Appointment-MS has applied a doctor's newest change.

    From its database when the bench may look (one connection held for the whole run: the PostgreSQL
    server is shared and may be near max_connections), otherwise, or if that connection fails, from what
    the slot finder offers on the Sunday after next.
    """

    def __init__(self, *, base_url: str, doctor_id: str, appointment_database_url: str | None) -> None:
        self.base_url = base_url
        self.doctor_id = doctor_id
        self.http = requests.Session()
        self.engine = None
        self.connection = None
        if appointment_database_url:
            self.engine = create_engine(appointment_database_url, poolclass=pool.NullPool)
            try:
                self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            except OperationalError as error:
                print(
                    f"    cold cache: no database connection ({str(error).splitlines()[0]}); asking the API"
                )

    def projected_version(self) -> int | None:
        if self.connection is None:
            return None
        query = text("SELECT version FROM doctors WHERE id = :id")
        return self.connection.scalar(query, {"id": self.doctor_id})

    def sunday_is_open(self, zone: ZoneInfo) -> bool:
        """Whether the slot finder offers this doctor anything on the Sunday after next."""
        today = datetime.now(zone).date()
        sunday = today + timedelta(days=(6 - today.weekday()) % 7 + 7)
        start = datetime(sunday.year, sunday.month, sunday.day, tzinfo=zone).astimezone(UTC)
        answer = self.http.get(
            f"{self.base_url}/api/v1/slots",
            params={"doctor_id": self.doctor_id, "from": _iso(start), "to": _iso(start + timedelta(days=1))},
            timeout=10,
        )
        return answer.status_code == 200 and bool(answer.json().get("items"))

    def wait(self, *, before: int | None, open_sunday: bool, zone: ZoneInfo, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.connection is not None and before is not None:
                version = self.projected_version()
                if version is not None and version > before:
                    return True
            elif self.sunday_is_open(zone) == open_sunday:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.engine is not None:
            self.engine.dispose()
        self.http.close()


def _toggled(document: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schedule with the early Sunday window added, or taken away again."""
    week = dict(document["weekly"])
    sunday = list(week.get("sunday") or [])
    opened = SUNDAY_WINDOW not in sunday
    week["sunday"] = sorted([*sunday, SUNDAY_WINDOW], key=lambda w: w["start"]) if opened else [
        w for w in sunday if w != SUNDAY_WINDOW
    ]  # fmt: skip
    changed = {k: v for k, v in document.items() if k not in READ_ONLY_FIELDS}
    return changed | {"weekly": week}, opened


def measure_cold_answers(
    admin: BrowserSession, *, doctor_id: str, timed_request: Callable[[requests.Session], requests.Response],
    appointment_database_url: str | None, times: int = 20,
) -> ColdCacheResult:  # fmt: skip
    """Change the doctor's schedule `times` times; after each change has arrived, time one answer."""
    watcher = ChangeWatcher(
        base_url=admin.base_url, doctor_id=doctor_id, appointment_database_url=appointment_database_url
    )
    client = requests.Session()
    timed_request(client)  # a warm connection, so the timing is the answer's, not the TCP handshake's
    timings: list[float] = []
    unseen = 0
    try:
        for _ in range(times):
            current = admin.get(f"/api/v1/doctors/{doctor_id}/schedule")
            current.raise_for_status()
            document, opened = _toggled(current.json())
            zone = ZoneInfo(document["time_zone"])
            before = watcher.projected_version()
            changed = admin.put(
                f"/api/v1/doctors/{doctor_id}/schedule",
                json=document,
                headers={"If-Match": current.headers["ETag"]},
            )
            if changed.status_code != 200:
                raise RuntimeError(
                    f"changing the schedule failed: {changed.status_code} {changed.text[:300]}"
                )
            if not watcher.wait(before=before, open_sunday=opened, zone=zone):
                unseen += 1
            started = time.perf_counter()
            answer = timed_request(client)
            timings.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"the cold answer was {answer.status_code}: {answer.text[:300]}")
    finally:
        watcher.close()
        client.close()
    return ColdCacheResult(doctor_id, timings, unseen)
