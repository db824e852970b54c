"""Patient-MS commands: `python -m patient_service.cli migrate | seed-demo`."""

from __future__ import annotations

import argparse
import sys

from hospital_shared.migrations import upgrade_to_head
from patient_service import SERVICE_DIR
from patient_service.bootstrap import bootstrap
from patient_service.config import Settings
from patient_service.seed import seed_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m patient_service.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply every Alembic migration")
    commands.add_parser("seed-demo", help="create the demo patient's profile (idempotent; SEED_DEMO=0 skips)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "migrate":
        upgrade_to_head(SERVICE_DIR, settings.database_url)
        print("patient: database at the latest migration")
        return 0
    if not settings.seed_demo:
        print("patient: SEED_DEMO is off; not seeding")
        return 0
    container = bootstrap(settings)
    try:
        created = seed_demo(container.uow)
    finally:
        container.close()
    print(f"patient: demo patient profile {'created' if created else 'already there'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
