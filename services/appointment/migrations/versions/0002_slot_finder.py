"""The slot finder's tables: doctor projection, holds, cancellations, idempotency keys and mail outbox.

- `doctors` is Appointment-MS's own copy of every doctor, fed from Doctor-MS's `doctor-events` stream; a
  row is replaced only by a newer `version`. `projection_cursor` remembers how far the stream was applied.
- An appointment now blocks `[starts_at, blocked_until)`: its own time plus the doctor's buffer after it.
  No two active appointments of a doctor (status `booked`, or `held` for a few minutes) may overlap there, and
  no patient may hold two overlapping active appointments. Both are database rules (exclusion constraints).
- `idempotency_keys` keeps the first answer to a booking request, so a retry with the same key gets it again.
- `mail_outbox` holds the mails a booking, reschedule or cancellation owes the patient, until SMTP took them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = postgresql.UUID(as_uuid=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "doctors",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("specializations", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.Column("accepting_new_patients", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("snapshot", postgresql.JSONB(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_doctors_specializations", "doctors", ["specializations"], postgresql_using="gin")
    op.create_index("ix_doctors_user_id", "doctors", ["user_id"])
    op.create_table(
        "projection_cursor",
        sa.Column("stream", sa.Text(), primary_key=True),
        sa.Column("last_id", sa.Text(), nullable=False),
        sa.Column("events_applied", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )

    op.drop_constraint("appointments_known_status", "appointments")
    op.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap_per_doctor")
    op.add_column("appointments", sa.Column("blocked_until", sa.DateTime(timezone=True)))
    op.execute("UPDATE appointments SET blocked_until = ends_at")
    op.alter_column("appointments", "blocked_until", nullable=False)
    for column in (
        sa.Column("appointment_type", sa.Text(), nullable=False, server_default=""),
        sa.Column("specialization", sa.Text(), nullable=False, server_default=""),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_by", UUID),
        sa.Column("cancelled_by_role", sa.Text()),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("rescheduled_to", UUID),
        sa.Column("rescheduled_from", UUID),
    ):
        op.add_column("appointments", column)
    op.create_check_constraint("appointments_blocked_after_end", "appointments", "blocked_until >= ends_at")
    op.create_check_constraint(
        "appointments_known_status",
        "appointments",
        "status IN ('held', 'booked', 'cancelled', 'completed', 'expired', 'rescheduled')",
    )
    op.create_check_constraint(
        "appointments_hold_expires", "appointments", "status <> 'held' OR hold_expires_at IS NOT NULL"
    )
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap_per_doctor "
        "EXCLUDE USING gist (doctor_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) "
        "WHERE (status IN ('booked', 'held'))"
    )
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap_per_patient "
        "EXCLUDE USING gist (patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('booked', 'held'))"
    )
    op.create_index(
        "ix_appointments_doctor_active",
        "appointments",
        ["doctor_id", "starts_at", "blocked_until"],
        postgresql_where=sa.text("status IN ('booked', 'held')"),
    )
    op.create_index("ix_appointments_doctor_created", "appointments", ["doctor_id", "created_at"])

    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", UUID, primary_key=True),
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("response", postgresql.JSONB()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("appointment_id", UUID, nullable=False),
        sa.Column("patient_id", UUID, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "kind IN ('confirmed', 'rescheduled', 'cancelled')", name="mail_outbox_known_kind"
        ),
    )
    op.create_index(
        "ix_mail_outbox_pending",
        "mail_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_appointments_doctor_created", "appointments")
    op.drop_index("ix_appointments_doctor_active", "appointments")
    op.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap_per_patient")
    op.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap_per_doctor")
    for name in ("appointments_hold_expires", "appointments_known_status", "appointments_blocked_after_end"):
        op.drop_constraint(name, "appointments")
    op.execute("DELETE FROM appointments WHERE status NOT IN ('booked', 'cancelled', 'completed')")
    for column in (
        "rescheduled_from", "rescheduled_to", "cancel_reason", "cancelled_by_role", "cancelled_by",
        "cancelled_at", "hold_expires_at", "specialization", "appointment_type", "blocked_until",
    ):  # fmt: skip
        op.drop_column("appointments", column)
    op.create_check_constraint(
        "appointments_known_status", "appointments", "status IN ('booked', 'cancelled', 'completed')"
    )
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap_per_doctor "
        "EXCLUDE USING gist (doctor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'booked')"
    )
    op.drop_table("projection_cursor")
    op.drop_table("doctors")
