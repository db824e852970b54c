"""Appointment-MS settings, read from the environment."""

from dataclasses import dataclass

from hospital_shared.settings import ServiceSettings


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "appointment"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/appointments"
    default_page_size: int = 20
