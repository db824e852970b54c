"""Auth-MS: accounts, server-side sessions, the gateway's identity check, password reset, Google sign-in."""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = SERVICE_DIR / "migrations"
