"""Doctor-MS commands: `python -m doctor_service.cli migrate | seed-demo` (seed-demo refuses production)."""

from __future__ import annotations

import sys

from doctor_service import SERVICE_DIR
from doctor_service.bootstrap import bootstrap
from doctor_service.config import Settings
from doctor_service.seed import seed_demo
from hospital_shared.cli import migrate_and_seed
from hospital_shared.settings import SettingsError


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except SettingsError as error:
        print(f"doctor: refused: {error}", file=sys.stderr)
        return 2


def _run(argv: list[str] | None) -> int:
    settings = Settings.from_env()

    def seed() -> str:
        settings.refuse_in_production("seed-demo")  # demo data belongs in local and test stacks only
        container = bootstrap(settings)
        try:
            created, existing = seed_demo(container.uow, clock=container.clock)
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
