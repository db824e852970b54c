"""Holds for someone not signed in yet: a slot kept while the patient signs in or registers.

A guest hold belongs to a random patient id nobody has, so it never meets the patient rule; it is claimed
by the patient who shows its token (only its SHA-256 is kept, `claim_token_hash`), in the confirming
transaction. `guest_key` is a keyed hash of the client's address (IPv6 grouped by /64), so the number of
live guest holds per address can be capped without keeping the address itself.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("claim_token_hash", sa.String(64), nullable=True))
    op.add_column("appointments", sa.Column("guest_key", sa.String(64), nullable=True))
    op.create_index(
        "appointments_live_guest_holds",
        "appointments",
        ["guest_key", "hold_expires_at"],
        postgresql_where=sa.text("guest_key IS NOT NULL AND status = 'held'"),
    )


def downgrade() -> None:
    op.drop_index("appointments_live_guest_holds", table_name="appointments")
    op.drop_column("appointments", "guest_key")
    op.drop_column("appointments", "claim_token_hash")
