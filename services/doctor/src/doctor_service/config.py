"""Doctor-MS settings, read from the environment (each field from the variable of its upper-cased name)."""

from dataclasses import dataclass

from hospital_shared.settings import ServiceSettings


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "doctor"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/doctors"
    # The Redis Stream Doctor-MS's events go to (Appointment-MS reads the same name).
    doctor_events_stream: str = "doctor-events"
    # Run the outbox relay on a background thread of each service process (one of them publishes at a time).
    outbox_relay_enabled: bool = True
    outbox_relay_interval_seconds: float = 0.5
    outbox_relay_batch_size: int = 100
    # How long a public read's answer (directory, catalog) may be kept in Redis; 0 keeps none.
    # Every change makes kept answers stale at once; this only bounds the cost of a lost invalidation.
    directory_cache_ttl_seconds: int = 120
    # Auth-MS's internal API: a new doctor's user id must be an enabled doctor account.
    auth_internal_url: str = "http://127.0.0.1:5001"
    auth_timeout_seconds: float = 3.0
    # Auth-MS's account events: a disabled account's doctor leaves the directory (Auth-MS writes the name).
    account_events_stream: str = "account-events"
    account_events_enabled: bool = True
    # `cli seed-demo` does nothing when this is false (SEED_DEMO=0).
    seed_demo: bool = True
