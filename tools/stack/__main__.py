"""Command line of the native stack runner: python -m tools.stack up|down|status|logs|scale|pids|admin."""

from __future__ import annotations

import argparse
import json

from tools.stack import commands
from tools.stack.config import StackConfig
from tools.stack.programs import program_pids, supervisord_pid


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="stack", description="Run the hospital natively under supervisord.")
    subcommands = parser.add_subparsers(dest="command", required=True)
    subcommands.add_parser("up", help="install what is missing, migrate, start everything, wait until ready")
    down_parser = subcommands.add_parser("down", help="stop everything this stack started")
    down_parser.add_argument("--drop-databases", action="store_true", help="also drop the prefixed databases")
    subcommands.add_parser("status", help="what runs and whether it is ready")
    logs_parser = subcommands.add_parser("logs", help="the last lines of every log")
    logs_parser.add_argument("--lines", type=int, default=30)
    scale_parser = subcommands.add_parser("scale", help="change the number of Appointment-MS replicas")
    scale_parser.add_argument("replicas", type=int)
    admin_parser = subcommands.add_parser("admin", help="create or reset an admin account")
    admin_parser.add_argument("--email", required=True)
    admin_parser.add_argument("--password", required=True)
    subcommands.add_parser("pids", help="the PID of every running program, as JSON")
    args = parser.parse_args(argv)
    config = StackConfig()
    if args.command == "up":
        commands.up(config)
    elif args.command == "down":
        commands.down(config, drop=args.drop_databases)
    elif args.command == "status":
        commands.status(config)
    elif args.command == "logs":
        commands.logs(config, args.lines)
    elif args.command == "scale":
        commands.scale(config, args.replicas)
    elif args.command == "pids":
        print(json.dumps(program_pids(config) if supervisord_pid(config) else {}))
    elif args.command == "admin":
        commands.prepare_directories(config)
        commands.create_admin(config, args.email, args.password)


if __name__ == "__main__":
    main()
