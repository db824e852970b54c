"""Patient profiles, keyed by the patient's Auth user id.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("user_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("preferred_language", sa.String(16), nullable=False, server_default="en"),
        sa.Column("address_line1", sa.String(120)),
        sa.Column("address_line2", sa.String(120)),
        sa.Column("address_city", sa.String(80)),
        sa.Column("address_postal_code", sa.String(16)),
        sa.Column("address_country", sa.String(2)),
        sa.Column("emergency_contact_name", sa.String(120)),
        sa.Column("emergency_contact_phone", sa.String(16)),
        sa.Column("emergency_contact_relationship", sa.String(40)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_patients_full_name", "patients", ["full_name"])


def downgrade() -> None:
    op.drop_table("patients")
