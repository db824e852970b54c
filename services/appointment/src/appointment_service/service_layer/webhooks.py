"""Admins register webhook endpoints, change or remove them, and see (and retry) their deliveries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from appointment_service.domain.webhooks import (
    Delivery,
    Subscription,
    TargetRefused,
    check_addresses,
    check_url,
    new_secret,
)
from appointment_service.ports import HostResolver, WebhookUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import NotFound, ValidationFailed
from hospital_shared.paging import Page


@dataclass(frozen=True)
class TargetPolicy:
    """Where endpoints may point: public hosts only, unless private targets are allowed (dev, tests)."""

    resolver: HostResolver
    allow_private: bool = False

    def check(self, url: str) -> None:
        try:
            host, port = check_url(url)
            check_addresses(self.resolver.addresses(host, port), allow_private=self.allow_private)
        except TargetRefused as refused:
            raise ValidationFailed(
                "This endpoint URL is not allowed.", errors={"url": [str(refused)]}
            ) from None


@dataclass(frozen=True)
class RegisterEndpoint:
    url: str
    event_types: list[str]
    description: str = ""


@dataclass(frozen=True)
class EndpointChange:
    event_types: list[str] | None = None
    description: str | None = None
    active: bool | None = None


def register_endpoint(
    uow: WebhookUnitOfWork, *, cmd: RegisterEndpoint, admin_id: uuid.UUID, targets: TargetPolicy
) -> Subscription:
    """Register an HTTPS endpoint for some event types; the answer carries its signing secret."""
    targets.check(cmd.url)
    subscription = Subscription(
        id=uuid.uuid4(), url=cmd.url, event_types=sorted(set(cmd.event_types)), description=cmd.description,
        secret=new_secret(),
    )  # fmt: skip
    with uow:
        stored = uow.subscriptions.add(subscription, created_by=admin_id)
        uow.commit()
    return stored


def list_endpoints(uow: WebhookUnitOfWork, *, page: int, page_size: int) -> Page[Subscription]:
    """Every registered endpoint, oldest first."""
    with uow:
        return uow.subscriptions.list(page=page, page_size=page_size)


def get_endpoint(uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID) -> Subscription:
    """One endpoint (404 when there is none with this id)."""
    with uow:
        return _existing(uow, subscription_id)


def change_endpoint(
    uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID, change: EndpointChange
) -> Subscription:
    """Change an endpoint's event types, description, or switch it off and on."""
    with uow:
        current = _existing(uow, subscription_id, for_update=True)
        updated = replace(
            current,
            event_types=sorted(set(change.event_types))
            if change.event_types is not None
            else current.event_types,
            description=change.description if change.description is not None else current.description,
            active=change.active if change.active is not None else current.active,
        )
        stored = uow.subscriptions.save(updated)
        uow.commit()
    return stored


def rotate_secret(uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID) -> Subscription:
    """Give an endpoint a new signing secret at once (the old one signs nothing from now on)."""
    with uow:
        current = _existing(uow, subscription_id, for_update=True)
        stored = uow.subscriptions.save(replace(current, secret=new_secret()))
        uow.commit()
    return stored


def remove_endpoint(uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID) -> None:
    """Remove an endpoint and its delivery history; nothing more is sent to it."""
    with uow:
        if not uow.subscriptions.delete(subscription_id):
            raise NotFound("No such webhook endpoint.")
        uow.commit()


def list_deliveries(
    uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID, status: str | None, page: int, page_size: int
) -> Page[Delivery]:
    """An endpoint's deliveries, newest first, with the outcome of each one's latest try."""
    with uow:
        _existing(uow, subscription_id)
        return uow.deliveries.list(subscription_id, status=status, page=page, page_size=page_size)


def retry_delivery(
    uow: WebhookUnitOfWork, *, subscription_id: uuid.UUID, delivery_id: uuid.UUID, clock: Clock,
    retry_window: timedelta,
) -> Delivery:  # fmt: skip
    """Send a delivery again now (also one that failed for good), with a fresh retry window."""
    now = clock.now()
    with uow:
        _existing(uow, subscription_id)
        if uow.deliveries.get(subscription_id, delivery_id) is None:
            raise NotFound("No such delivery of this endpoint.")
        uow.deliveries.retry(delivery_id, now=now, give_up_at=now + retry_window)
        delivery = uow.deliveries.get(subscription_id, delivery_id)
        uow.commit()
    assert delivery is not None
    return delivery


def _existing(
    uow: WebhookUnitOfWork, subscription_id: uuid.UUID, *, for_update: bool = False
) -> Subscription:
    subscription = uow.subscriptions.get(subscription_id, for_update=for_update)
    if subscription is None:
        raise NotFound("No such webhook endpoint.")
    return subscription
