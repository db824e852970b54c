"""The one place where Doctor-MS's adapters are wired together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from doctor_service import MIGRATIONS_DIR
from doctor_service.adapters.postgres.models import doctor_outbox
from doctor_service.adapters.postgres.repository import SqlDoctorUnitOfWork
from doctor_service.config import Settings
from hospital_shared.container import ServiceContainer, open_connections
from hospital_shared.events import OutboxRelay, PostgresAdvisoryLock, RelayRunner, SqlOutboxStore


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings
    _relay_runner: RelayRunner | None = field(default=None, repr=False)

    def uow(self) -> SqlDoctorUnitOfWork:
        return SqlDoctorUnitOfWork(self.session_factory)

    def close(self) -> None:
        if self._relay_runner is not None:
            self._relay_runner.stop()
        super().close()

    def outbox_store(self) -> SqlOutboxStore:
        return SqlOutboxStore(self.engine, doctor_outbox)

    def relay_runner(self) -> RelayRunner:
        """The outbox relay for the doctor-events stream; one per process, elected by an advisory lock."""
        if self._relay_runner is None:
            relay = OutboxRelay(
                self.outbox_store(),
                self.redis,
                self.settings.doctor_events_stream,
                batch_size=self.settings.outbox_relay_batch_size,
            )
            lock = PostgresAdvisoryLock(self.engine, f"outbox-relay:{self.settings.doctor_events_stream}")
            self._relay_runner = RelayRunner(
                relay, lock, interval_seconds=self.settings.outbox_relay_interval_seconds
            )
        return self._relay_runner


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    return Container.from_connections(settings, open_connections(settings))
