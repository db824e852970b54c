"""Patient-MS settings, read from the environment (each field from the variable of its upper-cased name)."""

from dataclasses import dataclass

from hospital_shared.settings import ServiceSettings


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "patient"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/patients"
    # `cli seed-demo` does nothing when this is false (SEED_DEMO=0).
    seed_demo: bool = True
