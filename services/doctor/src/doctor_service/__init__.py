"""Doctor-MS: the specialization catalog, doctor profiles, weekly schedules and time off."""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = SERVICE_DIR / "migrations"
