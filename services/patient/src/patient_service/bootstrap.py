"""The one place where Patient-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from hospital_shared.container import ServiceContainer, open_connections
from patient_service import MIGRATIONS_DIR
from patient_service.adapters.postgres.repository import SqlPatientUnitOfWork
from patient_service.config import Settings


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings

    def uow(self) -> SqlPatientUnitOfWork:
        return SqlPatientUnitOfWork(self.session_factory)


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    return Container.from_connections(settings, open_connections(settings))
