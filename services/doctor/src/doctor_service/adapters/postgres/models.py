"""Doctor-MS tables: the catalog, doctors with their schedule document, time off and the outbox."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hospital_shared.events import outbox_table


class Base(DeclarativeBase):
    pass


class SpecializationRow(Base):
    __tablename__ = "specializations"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    default_duration_minutes: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DoctorSpecializationRow(Base):
    __tablename__ = "doctor_specializations"

    doctor_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("doctors.id", ondelete="CASCADE"), primary_key=True
    )
    specialization_slug: Mapped[str] = mapped_column(
        String(40), ForeignKey("specializations.slug"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)


class DoctorRow(Base):
    __tablename__ = "doctors"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    bio: Mapped[str] = mapped_column(Text, nullable=False, default="")
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), nullable=False, default=list)
    clinic: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    photo_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    accepting_new_patients: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Unlisted (directory, slot finder) when an admin deactivated them, or their account is disabled or
    # no longer a doctor account (account_role, as Auth-MS last said).
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    account_disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    account_role: Mapped[str] = mapped_column(Text, nullable=False, default="doctor")
    schedule: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    schedule_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )

    specialization_links: Mapped[list[DoctorSpecializationRow]] = relationship(
        cascade="all, delete-orphan", order_by=DoctorSpecializationRow.position, lazy="selectin"
    )
    time_off: Mapped[list[TimeOffRow]] = relationship(
        cascade="all, delete-orphan", order_by="TimeOffRow.start_date", lazy="selectin"
    )

    __table_args__ = (Index("ix_doctors_updated_at_id", "updated_at", "id"),)
    # updated_at comes back from INSERT/UPDATE ... RETURNING, so a write answers with it at no extra query.
    __mapper_args__ = {"eager_defaults": True}


class TimeOffRow(Base):
    __tablename__ = "doctor_time_off"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    doctor_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("doctors.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    # Minutes after local midnight (0..1440); both NULL for whole days.
    start_minute: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    end_minute: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="doctor_time_off_dates_in_order"),
        CheckConstraint(
            "(start_minute IS NULL AND end_minute IS NULL) OR "
            "(start_minute >= 0 AND end_minute <= 1440 AND end_minute > start_minute)",
            name="doctor_time_off_hours_in_order",
        ),
        CheckConstraint("kind IN ('time_off', 'custom_hours')", name="doctor_time_off_known_kind"),
    )


class AccountEventsCursorRow(Base):
    """How far Auth-MS's account-events stream has been applied (the last stream id)."""

    __tablename__ = "account_events_cursor"

    stream: Mapped[str] = mapped_column(Text, primary_key=True)
    last_id: Mapped[str] = mapped_column(Text, nullable=False)
    events_applied: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


doctor_outbox = outbox_table(Base.metadata, "doctor_outbox")
