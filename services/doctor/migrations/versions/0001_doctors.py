"""The specialization catalog, doctors (with their schedule document), time off and the event outbox.

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
        "specializations",
        sa.Column("slug", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("default_duration_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("default_duration_minutes > 0", name="specializations_positive_duration"),
    )
    op.create_table(
        "doctors",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False, server_default=""),
        sa.Column("languages", postgresql.ARRAY(sa.String(16)), nullable=False, server_default="{}"),
        sa.Column("clinic", sa.String(120), nullable=False, server_default=""),
        sa.Column("location", sa.String(200), nullable=False, server_default=""),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("photo_url", sa.String(500), nullable=True),
        sa.Column("accepting_new_patients", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("schedule", postgresql.JSONB(), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_doctors_full_name", "doctors", ["full_name"])
    op.create_table(
        "doctor_specializations",
        sa.Column(
            "doctor_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("doctors.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "specialization_slug", sa.String(40), sa.ForeignKey("specializations.slug"), primary_key=True
        ),
        sa.Column("position", sa.SmallInteger(), nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_doctor_specializations_specialization_slug", "doctor_specializations", ["specialization_slug"]
    )
    op.create_table(
        "doctor_time_off",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "doctor_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("doctors.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.SmallInteger(), nullable=True),
        sa.Column("end_minute", sa.SmallInteger(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.CheckConstraint("end_date >= start_date", name="doctor_time_off_dates_in_order"),
        sa.CheckConstraint(
            "(start_minute IS NULL AND end_minute IS NULL) OR "
            "(start_minute >= 0 AND end_minute <= 1440 AND end_minute > start_minute)",
            name="doctor_time_off_hours_in_order",
        ),
        sa.CheckConstraint("kind IN ('time_off', 'custom_hours')", name="doctor_time_off_known_kind"),
    )
    op.create_index("ix_doctor_time_off_doctor_id", "doctor_time_off", ["doctor_id"])
    op.create_table(
        "doctor_outbox",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("aggregate_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stream_id", sa.String(40), nullable=True),
    )
    op.create_index(
        "ix_doctor_outbox_unpublished",
        "doctor_outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_doctor_outbox_aggregate_version", "doctor_outbox", ["aggregate_id", "version"])


def downgrade() -> None:
    op.drop_table("doctor_outbox")
    op.drop_table("doctor_time_off")
    op.drop_table("doctor_specializations")
    op.drop_table("doctors")
    op.drop_table("specializations")
