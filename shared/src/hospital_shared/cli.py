"""The operator commands every service with demo data offers: `migrate` and `seed-demo`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hospital_shared.migrations import upgrade_to_head
from hospital_shared.settings import ServiceSettings


def migrate_and_seed(
    argv: list[str] | None,
    *,
    service: str,
    service_dir: Path,
    settings: ServiceSettings,
    seed_enabled: bool,
    seed: Callable[[], str],
    migrate_help: str = "apply every Alembic migration",
    seed_help: str = "add the demo data (idempotent; SEED_DEMO=0 skips)",
) -> int:
    """Parse `migrate | seed-demo`, run it, print one line saying what happened; `seed` returns that line."""
    parser = argparse.ArgumentParser(prog=f"python -m {service}_service.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help=migrate_help)
    commands.add_parser("seed-demo", help=seed_help)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        upgrade_to_head(service_dir, settings.database_url)
        print(f"{service}: database at the latest migration")
    elif not seed_enabled:
        print(f"{service}: SEED_DEMO is off; not seeding")
    else:
        print(f"{service}: {seed()}")
    return 0
