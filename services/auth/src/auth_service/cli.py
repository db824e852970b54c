"""Operator commands for Auth-MS.

    python -m auth_service.cli create-admin --email E --password P  # create, or reset to admin
    python -m auth_service.cli seed-demo                              # the demo accounts (idempotent)

They use the same settings (DATABASE_URL, REDIS_URL, BCRYPT_ROUNDS, ...) as the service. seed-demo refuses
to run in production (ENVIRONMENT=production, or unset): demo accounts have a published password.
"""

from __future__ import annotations

import argparse
import sys

from auth_service.bootstrap import bootstrap
from auth_service.config import Settings
from auth_service.service_layer.admin import DEMO_PASSWORD, create_or_reset_admin, seed_demo_accounts
from hospital_shared.errors import ProblemError
from hospital_shared.settings import SettingsError


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    container = bootstrap(settings)
    try:
        user, created = create_or_reset_admin(
            container.ports.uow(),
            email=args.email,
            password=args.password,
            hasher=container.ports.hasher,
            clock=container.ports.clock,
            sessions=container.ports.sessions,
        )
    except ProblemError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    finally:
        container.close()
    print(f"{'created' if created else 'reset'} admin {user.email} (id {user.id})")
    return 0


def _seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    settings.refuse_in_production("seed-demo")
    container = bootstrap(settings)
    try:
        results = seed_demo_accounts(
            container.ports.uow(), hasher=container.ports.hasher, clock=container.ports.clock
        )
    finally:
        container.close()
    print(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
    for account, created in results:
        state = "created" if created else "already there"
        print(f"  {account.role.value:<8} {account.email:<28} id {account.user_id}  ({state})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auth_service.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin account, or reset an existing one")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    admin.set_defaults(run=_create_admin)
    demo = commands.add_parser("seed-demo", help="create the demo admin, doctor and patient (idempotent)")
    demo.set_defaults(run=_seed_demo)
    args = parser.parse_args(argv)
    try:
        return args.run(args, Settings.from_env())
    except SettingsError as error:
        print(f"auth: refused: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
