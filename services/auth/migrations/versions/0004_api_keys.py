"""API keys for integrations, and which key registered a patient.

Only the SHA-256 of a key's secret is stored (unique: the gateway's verify looks keys up by it);
`prefix` is the secret's first characters, enough for an admin to tell keys apart in a list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.String(32)), nullable=False),
        sa.Column(
            "created_by",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=False),
        sa.UniqueConstraint("secret_sha256", name="uq_api_keys_secret_sha256"),
        sa.CheckConstraint("rate_limit_per_minute > 0", name="ck_api_keys_rate_limit_positive"),
    )
    op.create_index("ix_api_keys_created_at", "api_keys", ["created_at"])
    op.add_column(
        "users",
        sa.Column(
            "registered_by_key",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("api_keys.id", ondelete="SET NULL", name="fk_users_registered_by_key"),
            nullable=True,
        ),
    )
    op.create_index("ix_users_registered_by_key", "users", ["registered_by_key"])


def downgrade() -> None:
    op.drop_index("ix_users_registered_by_key", table_name="users")
    op.drop_column("users", "registered_by_key")
    op.drop_table("api_keys")
