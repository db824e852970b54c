"""Directory integrity: doctors an admin deactivated or whose Auth-MS account is disabled, a stable
order for incremental syncs (updated_at, id), and how far Auth-MS's account-events stream was applied.

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
    op.add_column("doctors", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column(
        "doctors", sa.Column("account_disabled", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.execute("UPDATE doctors SET updated_at = COALESCE(updated_at, created_at, now())")
    op.alter_column("doctors", "updated_at", nullable=False)
    op.create_index("ix_doctors_updated_at_id", "doctors", ["updated_at", "id"])
    op.create_table(
        "account_events_cursor",
        sa.Column("stream", sa.Text(), primary_key=True),
        sa.Column("last_id", sa.Text(), nullable=False),
        sa.Column("events_applied", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("account_events_cursor")
    op.drop_index("ix_doctors_updated_at_id", "doctors")
    op.alter_column("doctors", "updated_at", nullable=True)
    op.drop_column("doctors", "account_disabled")
    op.drop_column("doctors", "active")
