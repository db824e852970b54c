"""Patient-MS: each patient's own profile, and the admin's patient list."""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = SERVICE_DIR / "migrations"
