"""Doctor-MS commands: `python -m doctor_service.cli migrate | seed-demo`."""

from __future__ import annotations

import sys

from doctor_service import SERVICE_DIR
from doctor_service.bootstrap import bootstrap
from doctor_service.config import Settings
from doctor_service.seed import seed_demo
from hospital_shared.cli import migrate_and_seed


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()

    def seed() -> str:
        container = bootstrap(settings)
        try:
            created, existing = seed_demo(container.uow)
        finally:
            container.close()
        return f"demo doctors created {created}, already there {existing}"

    return migrate_and_seed(
        argv,
        service="doctor",
        service_dir=SERVICE_DIR,
        settings=settings,
        seed_enabled=settings.seed_demo,
        seed=seed,
        migrate_help="apply every Alembic migration (creates the specialization catalog)",
        seed_help="add the demo doctors and their schedules (idempotent; SEED_DEMO=0 skips)",
    )


if __name__ == "__main__":
    sys.exit(main())
