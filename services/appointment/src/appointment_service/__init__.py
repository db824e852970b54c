"""Appointment-MS: finds free slots and books, cancels and reschedules appointments."""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = SERVICE_DIR / "migrations"
