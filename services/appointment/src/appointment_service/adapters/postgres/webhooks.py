"""Webhook endpoints and their deliveries in PostgreSQL (tables of migration 0004)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from appointment_service.adapters.postgres.models import (
    WebhookDeliveryRow,
    WebhookEventRow,
    WebhookSubscriptionRow,
)
from appointment_service.domain.webhooks import (
    DELIVERED,
    FAILED,
    PENDING,
    Delivery,
    DueDelivery,
    SendOutcome,
    Subscription,
)
from appointment_service.ports import (
    WebhookDeliveries,
    WebhookSubscriptions,
    WebhookUnitOfWork,
)
from hospital_shared.db import SqlAlchemyUnitOfWork
from hospital_shared.paging import Page, paginate

MAX_ERROR_LENGTH = 500


def _subscription(row: WebhookSubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id, url=row.url, event_types=list(row.event_types), description=row.description,
        secret=row.secret, active=row.active, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


class SqlWebhookSubscriptions(WebhookSubscriptions):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, subscription: Subscription, *, created_by: uuid.UUID) -> Subscription:
        row = WebhookSubscriptionRow(
            id=subscription.id, url=subscription.url, event_types=subscription.event_types,
            description=subscription.description, secret=subscription.secret, active=subscription.active,
            created_by=created_by,
        )  # fmt: skip
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return _subscription(row)

    def get(self, subscription_id: uuid.UUID, *, for_update: bool = False) -> Subscription | None:
        query = select(WebhookSubscriptionRow).where(WebhookSubscriptionRow.id == subscription_id)
        row = self._session.scalars(query.with_for_update() if for_update else query).first()
        return _subscription(row) if row else None

    def list(self, *, page: int, page_size: int) -> Page[Subscription]:
        s = WebhookSubscriptionRow
        stmt = select(s).order_by(s.created_at, s.id)
        return paginate(self._session, stmt, page=page, page_size=page_size, to_item=_subscription)

    def save(self, subscription: Subscription) -> Subscription:
        s = WebhookSubscriptionRow
        row = self._session.scalars(
            update(s)
            .where(s.id == subscription.id)
            .values(
                event_types=subscription.event_types, description=subscription.description,
                active=subscription.active, secret=subscription.secret, updated_at=func.now(),
            )
            .returning(s)
        ).one()  # fmt: skip
        return _subscription(row)

    def delete(self, subscription_id: uuid.UUID) -> bool:
        result = self._session.execute(
            delete(WebhookSubscriptionRow).where(WebhookSubscriptionRow.id == subscription_id)
        )
        return bool(result.rowcount)


def _delivery(row: Any) -> Delivery:
    d: WebhookDeliveryRow = row[0]
    return Delivery(
        id=d.id, subscription_id=d.subscription_id, event_id=row[1], event_type=row[2], status=d.status,
        attempts=d.attempts, next_attempt_at=d.next_attempt_at, give_up_at=d.give_up_at,
        last_attempt_at=d.last_attempt_at, last_status_code=d.last_status_code, last_error=d.last_error,
        last_duration_ms=d.last_duration_ms, delivered_at=d.delivered_at, created_at=d.created_at,
    )  # fmt: skip


class SqlWebhookDeliveries(WebhookDeliveries):
    def __init__(self, session: Session) -> None:
        self._session = session

    def _listed(self) -> Any:
        d, e = WebhookDeliveryRow, WebhookEventRow
        return select(d, e.event_id, e.event_type).join(e, e.id == d.event_id)

    def list(
        self, subscription_id: uuid.UUID, *, status: str | None, page: int, page_size: int
    ) -> Page[Delivery]:
        d = WebhookDeliveryRow
        conditions = [d.subscription_id == subscription_id]
        if status:
            conditions.append(d.status == status)
        stmt = self._listed().where(*conditions).order_by(d.created_at.desc(), d.event_id.desc())
        return paginate(self._session, stmt, page=page, page_size=page_size, to_item=_delivery)

    def get(self, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery | None:
        d = WebhookDeliveryRow
        row = self._session.execute(
            self._listed().where(d.id == delivery_id, d.subscription_id == subscription_id)
        ).first()
        return _delivery(row) if row else None

    def retry(self, delivery_id: uuid.UUID, *, now: datetime, give_up_at: datetime) -> None:
        self._session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery_id)
            .values(status=PENDING, next_attempt_at=now, give_up_at=give_up_at)
        )

    def fan_out(self, *, limit: int, retry_window: timedelta) -> int:
        e, s, d = WebhookEventRow, WebhookSubscriptionRow, WebhookDeliveryRow
        ids = list(
            self._session.scalars(
                select(e.id)
                .where(e.fanned_out_at.is_(None))
                .order_by(e.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return 0
        wanted = (
            select(func.gen_random_uuid(), s.id, e.id, e.occurred_at + retry_window, func.now())
            .select_from(e)
            .join(s, true())
            .where(
                e.id.in_(ids),
                # A paused endpoint gets its deliveries too: they wait, and go out once it is active again.
                e.event_type == func.any(s.event_types),
                # An endpoint hears of what happened after it was registered, not before.
                s.created_at <= e.occurred_at,
            )
        )
        self._session.execute(
            insert(d)
            .from_select(["id", "subscription_id", "event_id", "give_up_at", "next_attempt_at"], wanted)
            .on_conflict_do_nothing()
        )
        self._session.execute(update(e).where(e.id.in_(ids)).values(fanned_out_at=func.now()))
        return len(ids)

    def endpoints_with_due(self, *, now: datetime) -> list[uuid.UUID]:
        d, s = WebhookDeliveryRow, WebhookSubscriptionRow
        return list(
            self._session.scalars(
                select(d.subscription_id)
                .join(s, s.id == d.subscription_id)
                .where(d.status == PENDING, d.next_attempt_at <= now, s.active)
                .distinct()
            )
        )

    def claim_due(
        self, subscription_id: uuid.UUID, *, now: datetime, limit: int, lease: timedelta
    ) -> list[DueDelivery]:
        d, s, e = WebhookDeliveryRow, WebhookSubscriptionRow, WebhookEventRow
        rows = self._session.execute(
            select(
                d.id,
                d.attempts,
                d.give_up_at,
                s.url,
                s.secret,
                e.event_id,
                e.event_type,
                e.occurred_at,
                e.data,
            )
            .join(s, s.id == d.subscription_id)
            .join(e, e.id == d.event_id)
            .where(
                d.subscription_id == subscription_id, d.status == PENDING, d.next_attempt_at <= now, s.active
            )
            .order_by(d.next_attempt_at, d.event_id)
            .limit(limit)
            .with_for_update(of=d, skip_locked=True)
        ).all()
        if not rows:
            return []
        self._session.execute(
            update(d).where(d.id.in_([r.id for r in rows])).values(next_attempt_at=now + lease)
        )
        return [
            DueDelivery(
                id=r.id,
                subscription_id=subscription_id,
                url=r.url,
                secret=r.secret,
                attempts=r.attempts,
                give_up_at=r.give_up_at,
                event_id=r.event_id,
                event_type=r.event_type,
                occurred_at=r.occurred_at,
                data=dict(r.data),
            )
            for r in rows
        ]

    def record(
        self, delivery_id: uuid.UUID, outcome: SendOutcome, *, at: datetime, next_attempt_at: datetime | None
    ) -> None:
        d = WebhookDeliveryRow
        values: dict[str, Any] = {
            "attempts": d.attempts + 1,
            "last_attempt_at": at,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error[:MAX_ERROR_LENGTH] if outcome.error else None,
            "last_duration_ms": outcome.duration_ms,
        }
        if outcome.delivered:
            values |= {"status": DELIVERED, "delivered_at": at, "next_attempt_at": None}
        elif next_attempt_at is None:
            values |= {"status": FAILED, "next_attempt_at": None}
        else:
            values |= {"next_attempt_at": next_attempt_at}
        # Only a pending delivery: an admin's retry or a deleted endpoint meanwhile must not be overwritten.
        self._session.execute(update(d).where(d.id == delivery_id, d.status == PENDING).values(**values))


class SqlWebhookUnitOfWork(SqlAlchemyUnitOfWork, WebhookUnitOfWork):
    def _start(self, session: Session) -> None:
        self.subscriptions = SqlWebhookSubscriptions(session)
        self.deliveries = SqlWebhookDeliveries(session)
