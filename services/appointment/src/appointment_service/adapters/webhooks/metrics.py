"""Prometheus counts of webhook tries."""

from __future__ import annotations

from prometheus_client import Counter

from appointment_service.domain.webhooks import SendOutcome

WEBHOOK_TRIES = Counter(
    "appointment_webhook_tries_total",
    "Tries to deliver a webhook, by event type and outcome (delivered, http_error, error).",
    ["event_type", "outcome"],
)


def record_webhook_outcome(event_type: str, outcome: SendOutcome) -> None:
    kind = "delivered" if outcome.delivered else "http_error" if outcome.status_code else "error"
    WEBHOOK_TRIES.labels(event_type, kind).inc()
