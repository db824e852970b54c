"""The doctor's Auth-MS role as last heard: an account an admin turned into a patient or admin account
unlists its doctor, like a disabled one (followed from Auth-MS's account.role_changed events).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every doctor so far was created for an enabled doctor account.
    op.add_column("doctors", sa.Column("account_role", sa.Text(), nullable=False, server_default="doctor"))


def downgrade() -> None:
    op.drop_column("doctors", "account_role")
