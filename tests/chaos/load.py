"""A bounded load of searches and bookings through the gateway, with every request's outcome recorded.

A few worker threads (the load is modest: the point is what each request meets while a fault is injected,
not throughput) loop until told to stop or until the request budget is spent. Searches are anonymous
(GET /api/v1/slots and /slots/next); bookings are POST /api/v1/appointments by signed-in patients, each
with its own Idempotency-Key. A booking that got no final answer (no answer, 502, 503, 504) is retried
with the same key, as a careful client does, so a retry can never book twice.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from tests.e2e.browser import BrowserSession

SEARCHES = (
    "/api/v1/slots?specialization=cardiology&limit=5",
    "/api/v1/slots/next?specialization=cardiology",
)
BOOKINGS = "/api/v1/appointments"
NOT_FINAL = {0, 502, 503, 504}  # worth retrying with the same Idempotency-Key
ANSWERED = {200, 201, 409}  # 409: a retry met its own first attempt still running, or a lost race
BOOKING_ATTEMPTS = 4
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Outcome:
    """One request: when it started and ended (seconds on the load's clock), what came back."""

    started: float
    ended: float
    method: str
    path: str
    status: int  # 0: no answer at all (connection refused or reset, timeout)
    content_type: str
    booking_id: str | None = None
    error: str = ""

    @property
    def latency(self) -> float:
        return self.ended - self.started

    @property
    def failed(self) -> bool:
        return self.status not in ANSWERED

    @property
    def clean_unavailable(self) -> bool:
        """A 503 problem+json: the platform saying plainly that something it needs is down."""
        return self.status == 503 and self.content_type.startswith("application/problem+json")


@dataclass(frozen=True)
class BookingSlot:
    doctor_id: str
    start: str
    patient: int  # index into the patients


def booking_slots(
    doctor_ids: list[str], patients: int, *, first_day: date, zone: str
) -> Iterator[BookingSlot]:
    """Every 30-minute start of the doctors' 08:00-18:00 days, time first, so a patient never has two at once.

    At one start the doctors are booked by consecutive patients, and there are more patients than doctors.
    """
    if patients <= len(doctor_ids):
        raise ValueError("need more patients than doctors, so no patient gets two bookings at one time")
    local = ZoneInfo(zone)
    counter = itertools.count()
    for day in itertools.count():
        for half_hour in range(20):
            moment = datetime.combine(first_day + timedelta(days=day), datetime.min.time(), local)
            start = (moment + timedelta(hours=8, minutes=30 * half_hour)).astimezone(UTC)
            for doctor_id in doctor_ids:
                yield BookingSlot(
                    doctor_id, start.isoformat().replace("+00:00", "Z"), next(counter) % patients
                )


@dataclass
class Load:
    """The workers, the outcomes they recorded, and the slots bookings take (shared, one each)."""

    gateway: str
    patients: list[BrowserSession]
    slots: Iterator[BookingSlot]
    workers: int = 6
    max_requests: int = 400
    bookings_per_search: float = 0.5  # one booking for every two searches
    rate: float = 30.0  # requests per second over all workers: modest, and the same whatever the latency
    outcomes: list[Outcome] = field(default_factory=list)
    epoch: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _issued: int = 0

    def now(self) -> float:
        return time.monotonic() - self.epoch

    def start(self) -> None:
        self.epoch = time.monotonic()
        for number in range(self.workers):
            thread = threading.Thread(target=self._work, args=(number,), daemon=True, name=f"load-{number}")
            thread.start()
            self._threads.append(thread)

    def stop(self) -> list[Outcome]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT * BOOKING_ATTEMPTS + 5)
        return sorted(self.outcomes, key=lambda o: o.started)

    def _take_turn(self) -> bool:
        with self._lock:
            if self._issued >= self.max_requests:
                return False
            self._issued += 1
            return True

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def _work(self, number: int) -> None:
        anonymous = requests.Session()
        interval = self.workers / self.rate
        for turn in itertools.count():
            if self._stop.is_set() or not self._take_turn():
                return
            began = time.monotonic()
            if (turn + number) % round(1 + 1 / self.bookings_per_search) == 0:
                self._book()
            else:
                path = SEARCHES[(turn + number) % len(SEARCHES)]
                self._record(self._send(anonymous, "GET", self.gateway + path, path))
            self._stop.wait(max(0.0, interval - (time.monotonic() - began)))

    def _book(self) -> None:
        with self._lock:
            slot = next(self.slots)
        session = self.patients[slot.patient]
        key = str(uuid.uuid4())
        body = {"doctor_id": slot.doctor_id, "start": slot.start, "reason": "chaos"}
        headers = {"Idempotency-Key": key, "X-CSRF-Token": session.csrf_token}
        for attempt in range(BOOKING_ATTEMPTS):
            outcome = self._send(
                session.http, "POST", self.gateway + BOOKINGS, BOOKINGS, json=body, headers=headers
            )
            self._record(outcome)
            if outcome.status not in NOT_FINAL or self._stop.is_set():
                return
            time.sleep(0.3 * (attempt + 1))

    def _send(self, http: requests.Session, method: str, url: str, path: str, **kwargs: object) -> Outcome:
        started = self.now()
        try:
            response = http.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as error:
            return Outcome(started, self.now(), method, path, 0, "", error=type(error).__name__)
        ended = self.now()
        content_type = response.headers.get("Content-Type", "")
        booking_id = None
        if method == "POST" and response.status_code == 201:
            booking_id = response.json()["id"]
        return Outcome(started, ended, method, path, response.status_code, content_type, booking_id)
