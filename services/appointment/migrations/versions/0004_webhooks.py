"""Webhooks: the event outbox the booking and projection transactions write, the endpoints admins
register, and one delivery row per (endpoint, event) with what became of each try.

`webhook_events` is written in the same transaction as the change it announces; the dispatcher fans each
event out into `webhook_deliveries` (unique per endpoint and event, so a fan-out that runs twice adds
nothing) and marks it fanned out. Also an index for integrators who mirror appointments
(GET /api/v1/appointments?updated_since=, ordered by updated_at, id).

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("fanned_out_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "webhook_events_not_fanned_out",
        "webhook_events",
        ["id"],
        postgresql_where=sa.text("fanned_out_at IS NULL"),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("event_types", ARRAY(sa.Text), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        # The signing secret: kept in the clear because HMAC needs it (unlike a password, it is not a
        # credential anyone presents to us); shown to the admin on creation and on rotation only.
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_by", UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "subscription_id",
            UUID(as_uuid=True),
            sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger, sa.ForeignKey("webhook_events.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),  # | delivered | failed
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True, server_default=_NOW),
        sa.Column("give_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_duration_ms", sa.Integer, nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
        sa.UniqueConstraint("subscription_id", "event_id", name="webhook_deliveries_once_per_event"),
    )
    op.create_index(
        "webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "webhook_deliveries_by_subscription", "webhook_deliveries", ["subscription_id", "created_at"]
    )
    op.create_index("appointments_updated", "appointments", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("appointments_updated", table_name="appointments")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("webhook_events")
