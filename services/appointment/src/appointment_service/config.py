"""Appointment-MS settings, read from the environment (each field from its upper-cased name)."""

from dataclasses import dataclass

from hospital_shared.settings import ServiceSettings


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "appointment"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/appointments"
    # The stream Doctor-MS publishes doctor snapshots to; this service keeps its projection from it.
    doctor_events_stream: str = "doctor-events"
    # Follow the stream on a background thread of each process (an advisory lock lets one of them apply).
    projection_consumer_enabled: bool = True
    # A slot kept for a patient who is still confirming.
    hold_minutes: int = 5
    guest_holds_per_client: int = 3  # live holds someone not signed in may keep at once
    # The Redis of the slot cache; empty means REDIS_URL. A Redis of its own keeps sessions and the doctor
    # stream apart from a cache that may be flushed, restarted or lost at any time.
    cache_redis_url: str = ""
    # Longest a cached slot answer may live (it is also invalidated on every change that touches it).
    slot_cache_seconds: int = 60
    # Mails to patients (confirmation, reschedule, cancellation), sent from the mail outbox.
    smtp_url: str = "smtp://127.0.0.1:1025"
    mail_from: str = "Hospital appointments <appointments@hospital.example>"
    mail_relay_enabled: bool = True
    mail_relay_interval_seconds: float = 1.0
    mail_relay_batch_size: int = 10
    mail_retry_first_seconds: float = 5.0  # a failed mail waits this long, doubling per failure,
    mail_retry_max_seconds: float = 300.0  # up to this
    smtp_timeout_seconds: float = 10.0
    # Auth-MS's internal address (patients' mail addresses), reached with the internal token.
    auth_internal_url: str = "http://127.0.0.1:5001"
    auth_timeout_seconds: float = 3.0
    # How long an integration's reads may go on an answer of Auth-MS about its patient's account (a patient
    # disabled since is still read for up to this long); bookings, cancels and reschedules always ask afresh.
    integration_account_cache_seconds: float = 5.0
    # The other services' internal addresses, whose /readyz the admin's system page probes.
    patient_internal_url: str = "http://127.0.0.1:5002"
    doctor_internal_url: str = "http://127.0.0.1:5003"
    # What gunicorn listens on (BIND, as in gunicorn.conf.py): this replica's address in the system page,
    # and where its own /readyz is probed.
    bind: str = "127.0.0.1:8000"
    readiness_probe_timeout_seconds: float = 1.0
    # Every worker announces itself and its last minute of requests in Redis, refreshed this often; an
    # announcement not refreshed within the TTL disappears (a replica scaled away, a worker that died).
    replica_heartbeat_enabled: bool = True
    replica_heartbeat_seconds: float = 5.0
    replica_heartbeat_ttl_seconds: int = 15
    replica_registry_key: str = "appointment:replicas"
    # Webhooks (see WEBHOOKS.md): one process dispatches (advisory lock); sends run on a pool of workers,
    # at most WEBHOOK_PER_ENDPOINT at once per endpoint, with short timeouts; a failed try waits
    # (doubling from the first delay up to the max, with jitter) until WEBHOOK_RETRY_HOURS after the event.
    webhook_dispatch_enabled: bool = True
    webhook_dispatch_interval_seconds: float = 0.25
    webhook_workers: int = 8
    webhook_per_endpoint: int = 1
    webhook_connect_timeout_seconds: float = 3.0
    webhook_read_timeout_seconds: float = 10.0
    webhook_retry_first_seconds: float = 10.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_retry_hours: float = 24.0
    # Endpoints resolving to loopback or private addresses are refused (server-side request forgery),
    # unless this is on (development and test stacks, whose receivers run on loopback).
    webhook_allow_private_targets: bool = False
    # A CA bundle (PEM path) to verify endpoints' certificates with instead of the system's CAs (tests).
    webhook_ca_bundle: str = ""
