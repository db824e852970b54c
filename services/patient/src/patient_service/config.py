"""Patient-MS settings, read from the environment (each field from the variable of its upper-cased name)."""

from dataclasses import dataclass

from hospital_shared.settings import ServiceSettings


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "patient"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/patients"
    # Appointment-MS's internal address: whether a doctor treats a patient (and so may read the profile).
    appointment_internal_url: str = "http://127.0.0.1:5004"
    appointment_timeout_seconds: float = 2.0
    # `cli seed-demo` does nothing when this is false (SEED_DEMO=0).
    seed_demo: bool = True
