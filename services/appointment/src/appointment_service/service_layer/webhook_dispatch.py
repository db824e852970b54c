"""The webhook dispatcher: fans new events out to the endpoints that want them and sends the deliveries.

One process dispatches at a time (RelayRunner under a PostgreSQL advisory lock, like the mail relay). Each
round is short and never waits for an endpoint: sends run on a thread pool, at most `per_endpoint` at once
for one endpoint, so an endpoint that hangs holds one worker until its timeout and delays nobody else; and
a booking only ever writes an event row, so no endpoint can slow it down. Delivery is at least once: a
claimed delivery is leased (not due again until the lease ends), so a dispatcher that dies mid-send leaves
it to be sent again. A failed try waits (exponential backoff with jitter) and is given up, marked failed,
once the next try would fall past 24 h after the event.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from appointment_service.domain.webhooks import (
    SIGNATURE_HEADER,
    Backoff,
    DueDelivery,
    SendOutcome,
    signature_header,
)
from appointment_service.ports import WebhookSender, WebhookUnitOfWork
from hospital_shared.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchSettings:
    workers: int = 8
    per_endpoint: int = 1
    fan_out_batch: int = 200
    retry_window: timedelta = timedelta(hours=24)
    lease: timedelta = timedelta(seconds=60)
    backoff: Backoff = field(default_factory=Backoff)


def signed_request(delivery: DueDelivery, *, timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one try: JSON {id, type, created_at, data}, signed over "<t>.<body>"."""
    body = json.dumps(delivery.body(), separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Hospital-Webhooks/1",
        SIGNATURE_HEADER: signature_header(delivery.secret, timestamp=timestamp, body=body),
        "Hospital-Event-Id": str(delivery.event_id),
        "Hospital-Event-Type": delivery.event_type,
        "Hospital-Delivery-Id": str(delivery.id),
    }
    return body, headers


class WebhookDispatcher:
    """What RelayRunner drives: `publish_pending()` runs one short round and says how much it started."""

    stream = "webhook_deliveries"  # the name RelayRunner's log lines give what it relays

    def __init__(
        self, *, uow_factory: Callable[[], WebhookUnitOfWork], sender: WebhookSender, clock: Clock,
        settings: DispatchSettings | None = None,
        on_outcome: Callable[[str, SendOutcome], None] | None = None,
    ) -> None:  # fmt: skip
        self.uow_factory = uow_factory
        self.sender = sender
        self.clock = clock
        self.settings = settings or DispatchSettings()
        self.on_outcome = on_outcome
        self._executor = ThreadPoolExecutor(max_workers=self.settings.workers, thread_name_prefix="webhook")
        self._in_flight: Counter[uuid.UUID] = Counter()
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def publish_pending(self) -> int:
        return self.fan_out() + self.start_due()

    def fan_out(self) -> int:
        """Turn every new event into deliveries; returns the events handled."""
        total = 0
        while True:
            with self.uow_factory() as uow:
                handled = uow.deliveries.fan_out(
                    limit=self.settings.fan_out_batch, retry_window=self.settings.retry_window
                )
                uow.commit()
            total += handled
            if handled < self.settings.fan_out_batch:
                return total

    def start_due(self) -> int:
        """Hand due deliveries to the pool, as far as free workers and each endpoint's limit allow."""
        free = self.settings.workers - self.in_flight()
        if free <= 0:
            return 0
        now = self.clock.now()
        with self.uow_factory() as uow:
            endpoints = uow.deliveries.endpoints_with_due(now=now)
        random.shuffle(endpoints)  # when workers are short, no endpoint always goes first
        started = 0
        for endpoint in endpoints:
            with self._lock:
                room = min(self.settings.per_endpoint - self._in_flight[endpoint], free - started)
            if room <= 0:
                continue
            with self.uow_factory() as uow:
                due = uow.deliveries.claim_due(endpoint, now=now, limit=room, lease=self.settings.lease)
                uow.commit()
            for delivery in due:
                with self._lock:
                    self._in_flight[endpoint] += 1
                self._executor.submit(self._deliver, delivery)
            started += len(due)
            if started >= free:
                break
        return started

    def in_flight(self) -> int:
        with self._lock:
            return sum(self._in_flight.values())

    def _deliver(self, delivery: DueDelivery) -> None:
        """Send, then go on with the endpoint's next due delivery (an endpoint with a backlog is drained
        at its own pace, not one delivery per dispatcher round)."""
        current: DueDelivery | None = delivery
        try:
            while current is not None and not self._closed.is_set():
                self.deliver(current)
                current = self._next_due(current.subscription_id)
        except Exception:  # a worker must survive anything (its delivery is tried again after the lease)
            log.exception("webhook delivery could not be recorded", extra={"delivery_id": str(delivery.id)})
        finally:
            with self._lock:
                self._in_flight[delivery.subscription_id] -= 1
                if self._in_flight[delivery.subscription_id] <= 0:
                    del self._in_flight[delivery.subscription_id]

    def _next_due(self, endpoint: uuid.UUID) -> DueDelivery | None:
        with self.uow_factory() as uow:
            due = uow.deliveries.claim_due(endpoint, now=self.clock.now(), limit=1, lease=self.settings.lease)
            uow.commit()
        return due[0] if due else None

    def deliver(self, delivery: DueDelivery) -> SendOutcome:
        """One try of one delivery, and its outcome kept."""
        body, headers = signed_request(delivery, timestamp=int(self.clock.now().timestamp()))
        outcome = self.sender.send(delivery.url, body=body, headers=headers)
        at = self.clock.now()
        next_attempt = None
        if not outcome.delivered:
            candidate = at + self.settings.backoff.delay_after(delivery.attempts + 1)
            next_attempt = candidate if candidate <= delivery.give_up_at else None
            log.warning(
                "webhook delivery failed",
                extra={"delivery_id": str(delivery.id), "status_code": outcome.status_code,
                       "error": outcome.error, "gives_up": next_attempt is None},
            )  # fmt: skip
        with self.uow_factory() as uow:
            uow.deliveries.record(delivery.id, outcome, at=at, next_attempt_at=next_attempt)
            uow.commit()
        if self.on_outcome is not None:
            self.on_outcome(delivery.event_type, outcome)
        return outcome

    def close(self) -> None:
        self._closed.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
