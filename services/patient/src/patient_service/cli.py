"""Patient-MS commands: `python -m patient_service.cli migrate | seed-demo` (seed-demo refuses production)."""

from __future__ import annotations

import sys

from hospital_shared.cli import migrate_and_seed
from hospital_shared.settings import SettingsError
from patient_service import SERVICE_DIR
from patient_service.bootstrap import bootstrap
from patient_service.config import Settings
from patient_service.seed import seed_demo


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except SettingsError as error:
        print(f"patient: refused: {error}", file=sys.stderr)
        return 2


def _run(argv: list[str] | None) -> int:
    settings = Settings.from_env()

    def seed() -> str:
        settings.refuse_in_production("seed-demo")  # demo data belongs in local and test stacks only
        container = bootstrap(settings)
        try:
            created = seed_demo(container.uow, clock=container.clock)
        finally:
            container.close()
        return f"demo patient profile {'created' if created else 'already there'}"

    return migrate_and_seed(
        argv,
        service="patient",
        service_dir=SERVICE_DIR,
        settings=settings,
        seed_enabled=settings.seed_demo,
        seed=seed,
        seed_help="create the demo patient's profile (idempotent; SEED_DEMO=0 skips)",
    )


if __name__ == "__main__":
    sys.exit(main())
