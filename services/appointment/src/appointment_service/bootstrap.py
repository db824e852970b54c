"""The one place where Appointment-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from appointment_service import MIGRATIONS_DIR
from appointment_service.adapters.postgres.repository import SqlAppointmentUnitOfWork
from appointment_service.config import Settings
from hospital_shared.container import ServiceContainer, open_connections


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings

    def uow(self) -> SqlAppointmentUnitOfWork:
        return SqlAppointmentUnitOfWork(self.session_factory)


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    return Container.from_connections(settings, open_connections(settings))
