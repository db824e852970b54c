"""The one place where Patient-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from hospital_shared.clock import Clock, SystemClock
from hospital_shared.container import ServiceContainer, open_connections
from patient_service import MIGRATIONS_DIR
from patient_service.adapters.appointments.care_relationships import HttpCareRelationships
from patient_service.adapters.postgres.repository import SqlPatientUnitOfWork
from patient_service.config import Settings
from patient_service.ports import CareRelationships


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings
    care_relationships: CareRelationships
    clock: Clock = field(default_factory=SystemClock)

    def uow(self) -> SqlPatientUnitOfWork:
        return SqlPatientUnitOfWork(self.session_factory)


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    care = HttpCareRelationships(
        settings.appointment_internal_url,
        internal_token=settings.internal_token,
        timeout_seconds=settings.appointment_timeout_seconds,
    )
    return Container.from_connections(settings, open_connections(settings), care_relationships=care)
