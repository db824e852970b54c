"""Doctor-MS commands: `python -m doctor_service.cli migrate | seed-demo`."""

from __future__ import annotations

import argparse
import sys

from doctor_service import SERVICE_DIR
from doctor_service.bootstrap import bootstrap
from doctor_service.config import Settings
from doctor_service.seed import seed_demo
from hospital_shared.migrations import upgrade_to_head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m doctor_service.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply every Alembic migration (creates the specialization catalog)")
    commands.add_parser(
        "seed-demo", help="add the demo doctors and their schedules (idempotent; SEED_DEMO=0 skips)"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "migrate":
        upgrade_to_head(SERVICE_DIR, settings.database_url)
        print("doctor: database at the latest migration")
        return 0
    if not settings.seed_demo:
        print("doctor: SEED_DEMO is off; not seeding")
        return 0
    container = bootstrap(settings)
    try:
        created, existing = seed_demo(container.uow)
    finally:
        container.close()
    print(f"doctor: demo doctors created {created}, already there {existing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
