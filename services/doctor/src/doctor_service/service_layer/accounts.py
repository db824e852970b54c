"""Doctors' Auth-MS accounts: a new doctor needs an enabled doctor account, and Doctor-MS follows Auth-MS's
account-events stream: a disabled account's doctor leaves the directory, and so does one whose account an
admin gave another role than doctor (until it is a doctor account again).

Each event carries the account's current state (`account.disabled`, `account.role`), so applying one twice
changes nothing, and events of one account come in order. The stream position is stored in the same
transaction as the doctors it changed (hospital_shared.events.StreamFollower), so a consumer that stops
resumes exactly where Doctor-MS stands; a doctor that changed gets an outbox event, so Appointment-MS hides
(or shows) them too.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from doctor_service.domain.doctor import Doctor
from doctor_service.domain.events import DoctorEventType, doctor_changed
from doctor_service.ports import Accounts, AccountsUnavailable, DoctorUnitOfWork
from hospital_shared.clock import Clock
from hospital_shared.errors import ServiceUnavailable, ValidationFailed
from hospital_shared.events import StreamCursor, StreamEvent, StreamFollower, apply_after_cursor

log = logging.getLogger(__name__)


def check_doctor_account(*, accounts: Accounts, user_id: uuid.UUID) -> None:
    """Refuse (422) a user id that is no enabled doctor account of Auth-MS; 503 when Auth-MS cannot tell."""
    try:
        account = accounts.account(user_id)
    except AccountsUnavailable as error:
        raise ServiceUnavailable(
            "Auth-MS cannot confirm this account right now; nothing was written. Retry in a moment."
        ) from error
    problem = None
    if account is None:
        problem = "No Auth-MS account has this id."
    elif account.disabled:
        problem = "This account is disabled."
    elif account.role is not None and account.role != "doctor":
        problem = f"This is a {account.role} account, not a doctor account: create a doctor account first."
    if problem:
        raise ValidationFailed(f"{problem} Nothing was written.", errors={"user_id": [problem]})


def _disabled_flag(event: StreamEvent) -> bool | None:
    """Whether the event says the account is disabled; None when it says nothing usable about that."""
    account: Any = event.payload.get("account")
    if isinstance(account, dict) and isinstance(account.get("disabled"), bool):
        return account["disabled"]
    if event.type == "account.disabled":
        return True
    if event.type == "account.enabled":
        return False
    return None


def _role(event: StreamEvent) -> str | None:
    """The account's role the event states; None when it states none."""
    account: Any = event.payload.get("account")
    if isinstance(account, dict) and isinstance(account.get("role"), str) and account["role"]:
        return account["role"]
    return None


def _event_type(doctor: Doctor, *, was_disabled: bool) -> DoctorEventType:
    if doctor.account_disabled == was_disabled:
        return DoctorEventType.ACCOUNT_ROLE_CHANGED
    return DoctorEventType.ACCOUNT_DISABLED if doctor.account_disabled else DoctorEventType.ACCOUNT_ENABLED


def apply_account_events(
    uow: DoctorUnitOfWork,
    *,
    events: Sequence[StreamEvent],
    stream: str,
    after: str | None = None,
    clock: Clock,
) -> int:
    """Apply a batch in one transaction with the stream's cursor; returns how many doctors changed.

    `after` is the cursor the batch was read after: when the stored cursor moved meanwhile (another consumer
    applied first) nothing is applied, and the caller reads again."""
    changed = apply_after_cursor(
        events,
        stream=stream,
        uow=uow,
        cursor=lambda u: u.account_cursor,
        apply=lambda u, batch: _follow_accounts(u, batch, clock=clock),
        after=after,
    )
    if changed:
        uow.directory.invalidate()
    return len(changed or ())


def _follow_accounts(
    uow: DoctorUnitOfWork, events: Sequence[StreamEvent], *, clock: Clock
) -> list[uuid.UUID]:
    """The doctors whose listing the events changed, each with an outbox event (inside the transaction)."""
    changed: list[uuid.UUID] = []
    catalog = None
    for event in events:
        disabled, role = _disabled_flag(event), _role(event)
        if disabled is None and role is None:
            continue
        try:
            user_id = uuid.UUID(str(event.payload.get("user_id") or event.aggregate_id))
        except ValueError:
            log.warning("account event without a user id ignored", extra={"stream_id": event.stream_id})
            continue
        doctor = uow.doctors.get_by_user(user_id, for_update=True)
        was_disabled = doctor.account_disabled if doctor is not None else False
        if doctor is None or not doctor.follow_account(disabled=disabled, role=role):
            continue
        catalog = catalog if catalog is not None else uow.catalog()
        uow.doctors.save(doctor)
        kind = _event_type(doctor, was_disabled=was_disabled)
        uow.outbox.add(doctor_changed(doctor, kind, catalog=catalog, occurred_at=clock.now()))
        changed.append(doctor.id)
    return changed


class AccountStreamFollower(StreamFollower[DoctorUnitOfWork]):
    """Applies the account-events stream, one batch per call; run by hospital_shared.events.RelayRunner under
    an advisory lock, so one process applies at a time and another takes over when it dies."""

    def __init__(self, *, clock: Clock, **follower: Any) -> None:
        super().__init__(**follower)
        self.clock = clock

    def cursor_in(self, uow: DoctorUnitOfWork) -> StreamCursor:
        return uow.account_cursor

    def apply(self, events: Sequence[StreamEvent], *, uow: DoctorUnitOfWork, after: str) -> int:
        return apply_account_events(uow, events=events, stream=self.stream, after=after, clock=self.clock)
