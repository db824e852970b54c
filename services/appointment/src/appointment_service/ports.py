"""What Appointment-MS's use cases need from the outside world."""

from __future__ import annotations

import abc
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from appointment_service.domain.appointment import Appointment
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.integrations import PatientAccount
from appointment_service.domain.mails import Mailbox, PatientMail
from appointment_service.domain.replicas import WorkerHeartbeat
from appointment_service.domain.slots import Busy, DoctorLoad
from appointment_service.domain.system import BookingCounts, ServiceHealth
from appointment_service.domain.webhooks import Delivery, DueDelivery, SendOutcome, Subscription
from hospital_shared.db import UnitOfWork
from hospital_shared.paging import Page


@dataclass(frozen=True)
class AppointmentFilter:
    """Which appointments a list shows; the use case fills in what the caller's role allows."""

    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    start: datetime | None = None  # appointments ending after this
    end: datetime | None = None  # appointments starting before this
    statuses: tuple[str, ...] = ()
    newest_first: bool = False
    # Sync: only appointments changed at or after this, in (updated_at, id) order.
    updated_since: datetime | None = None


class AppointmentRepository(abc.ABC):
    @abc.abstractmethod
    def add_if_free(self, appointment: Appointment) -> bool:
        """Insert unless it overlaps an active appointment of the doctor or the patient (then False).

        Never waits for a lock or deadlocks: the database's exclusion constraints decide."""

    @abc.abstractmethod
    def expire_holds(
        self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID, start: datetime, end: datetime, now: datetime
    ) -> int:
        """Mark holds past their expiry that stand in the way of [start, end) as expired."""

    @abc.abstractmethod
    def overlapping_owner(self, appointment: Appointment, *, now: datetime) -> str | None:
        """Why `appointment` could not be added: "doctor", "patient" or None when nothing overlaps."""

    @abc.abstractmethod
    def get(self, appointment_id: uuid.UUID, *, for_update: bool = False) -> Appointment | None: ...

    @abc.abstractmethod
    def save(self, appointment: Appointment) -> None:
        """Write back the status and change fields of an appointment loaded from this repository."""

    @abc.abstractmethod
    def claim(self, appointment_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        """Give a guest hold to `patient_id`; False (nothing changed) if it would overlap their own time."""

    @abc.abstractmethod
    def live_guest_holds(self, guest_key: str, *, now: datetime) -> int:
        """How many unexpired guest holds this (hashed) client address has."""

    @abc.abstractmethod
    def busy(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, list[Busy]]:
        """Active appointments and live holds of the doctors touching [start, end), sorted, per doctor."""

    @abc.abstractmethod
    def loads(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, DoctorLoad]:
        """Booked minutes inside [start, end) and the last booking time, per doctor (scheduled: 0)."""

    @abc.abstractmethod
    def doctors_seen_by(self, patient_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """Doctors the patient has (or had) a real appointment with."""

    @abc.abstractmethod
    def has_relationship(self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID) -> bool: ...

    @abc.abstractmethod
    def list(self, where: AppointmentFilter, *, page: int, page_size: int) -> Page[Appointment]: ...

    @abc.abstractmethod
    def booking_counts(self, *, start: datetime, end: datetime) -> BookingCounts:
        """Bookings made inside [start, end) (booked at once or a confirmed hold, even if cancelled since;
        not a hold nobody confirmed, not the new half of a reschedule), and booked or completed
        appointments that start inside it."""


class DoctorDirectory(abc.ABC):
    """Appointment-MS's projection of the doctors (fed by the doctor-events stream)."""

    @abc.abstractmethod
    def get(self, doctor_id: uuid.UUID) -> BookableDoctor | None: ...

    @abc.abstractmethod
    def by_user(self, user_id: uuid.UUID) -> BookableDoctor | None: ...

    @abc.abstractmethod
    def with_specialization(self, slug: str) -> list[BookableDoctor]: ...

    @abc.abstractmethod
    def known_specializations(self) -> set[str]: ...

    @abc.abstractmethod
    def snapshot_of(self, doctor_id: uuid.UUID) -> dict[str, Any] | None:
        """The stored snapshot of a doctor (active or not), None when unknown."""

    @abc.abstractmethod
    def apply(self, *, doctor_id: uuid.UUID, version: int, snapshot: dict[str, Any]) -> set[str] | None:
        """Store the snapshot unless a newer or equal version is stored. Returns the specializations the
        change touches (before and after), or None when it was not newer."""

    @abc.abstractmethod
    def cursor(self, stream: str, *, for_update: bool = False) -> str | None:
        """The id of the last stream entry applied, None before the first (locked until commit)."""

    @abc.abstractmethod
    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None: ...


@dataclass(frozen=True)
class StoredAnswer:
    """The first answer given to a request with an Idempotency-Key."""

    request_hash: str
    status_code: int | None
    response: dict[str, Any] | None


class IdempotencyKeys(abc.ABC):
    @abc.abstractmethod
    def claim(
        self,
        *,
        user_id: uuid.UUID,
        key: str,
        request_hash: str,
        status_code: int | None = None,
        response: dict[str, Any] | None = None,
    ) -> StoredAnswer | None:
        """Take the key for this transaction with the answer it will give, or return the answer stored
        under it (a retry). A concurrent request with the same key waits until the first one's transaction
        ends."""

    @abc.abstractmethod
    def answer(self, *, user_id: uuid.UUID, key: str, status_code: int, response: dict[str, Any]) -> None: ...


class MailOutbox(abc.ABC):
    """Mails owed to patients, written with the change they announce; the mail relay sends them."""

    @abc.abstractmethod
    def add(
        self, *, kind: str, appointment_id: uuid.UUID, patient_id: uuid.UUID, payload: dict[str, Any]
    ) -> None: ...


class EventOutbox(abc.ABC):
    """Events for webhooks, written in the transaction of the change they announce."""

    @abc.abstractmethod
    def add(self, event_type: str, data: dict[str, Any]) -> None: ...


class AppointmentUnitOfWork(UnitOfWork):
    appointments: AppointmentRepository
    doctors: DoctorDirectory
    idempotency: IdempotencyKeys
    mails: MailOutbox
    events: EventOutbox


class SlotCache(abc.ABC):
    """Answers of the slot finder, kept until anything they depend on changes. Never the truth: every
    method may fail silently (Redis down), and the finder then answers from PostgreSQL."""

    @abc.abstractmethod
    def get(self, scope: str, key: str) -> tuple[str, bytes | None]:
        """(generation of the scope, the cached answer or None)."""

    @abc.abstractmethod
    def put(self, scope: str, generation: str, key: str, body: bytes, *, ttl_seconds: int) -> None:
        """Keep the answer, unless the scope changed since `generation` was read."""

    @abc.abstractmethod
    def invalidate(self, *, doctor_ids: Sequence[uuid.UUID], specializations: Sequence[str]) -> None:
        """Forget every answer about these doctors and specializations, on every replica at once."""

    def computing(self, scope: str, key: str) -> AbstractContextManager[None]:
        """Held while this process computes an answer, so its other threads wait for it instead of
        computing the same answer at once (a cold cache under load)."""
        return nullcontext()


class EventSource(abc.ABC):
    """The doctor-events stream."""

    @abc.abstractmethod
    def read(self, after: str, *, count: int, block_ms: int | None) -> list[Any]:
        """Entries after `after` (hospital_shared.events.StreamEvent), waiting up to block_ms for new ones."""

    @abc.abstractmethod
    def entries_after(self, after: str, *, limit: int) -> int:
        """How many entries follow `after` (at most `limit`): the projection's lag."""


# -- the system page ------------------------------------------------------------------------------------


class ReplicaRegistry(abc.ABC):
    """Where every Appointment-MS worker announces itself; an announcement not renewed in time is gone."""

    @abc.abstractmethod
    def publish(self, heartbeat: WorkerHeartbeat, *, ttl_seconds: int) -> None: ...

    @abc.abstractmethod
    def withdraw(self, *, instance: str, pid: int) -> None:
        """Forget a worker at once (it is stopping)."""

    @abc.abstractmethod
    def live(self) -> list[WorkerHeartbeat]:
        """The latest heartbeat of every worker whose announcement has not expired."""


class ServiceProbes(abc.ABC):
    @abc.abstractmethod
    def check_all(self) -> list[ServiceHealth]:
        """Every service's readiness, probed at once with a short timeout. Never raises: a service that
        does not answer in time, or at all, is reported not ready."""


# -- mails ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingMail:
    """A mail outbox row the relay has claimed: locked until the relay's unit of work ends."""

    id: int
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int


class PendingMails(abc.ABC):
    """The relay's side of the mail outbox: what is owed, and what became of each try."""

    @abc.abstractmethod
    def claim_due(self, *, now: datetime, limit: int) -> list[PendingMail]:
        """The oldest unsent mails due by `now`, locked until commit. Rows another relay holds are skipped,
        and a mail waits while an older one about the same appointment is unsent (they arrive in order)."""

    @abc.abstractmethod
    def mark_sent(self, mail_id: int, *, at: datetime) -> None: ...

    @abc.abstractmethod
    def mark_failed(self, mail_id: int, *, error: str, retry_at: datetime) -> None:
        """Count the failed try, keep why it failed and when the next one is due."""

    @abc.abstractmethod
    def backlog(self) -> int:
        """How many mails are not sent yet."""


class MailRelayUnitOfWork(UnitOfWork):
    pending: PendingMails


class MailNotSent(Exception):
    """A mail could not go out this time; it stays in the outbox and is tried again later."""

    # True when no other mail would fare better right now (the mail server or Auth-MS is down).
    stops_round: ClassVar[bool] = False


class RecipientUnknown(MailNotSent):
    """The patient has no account (any more), or it is disabled."""


class ContactsUnavailable(MailNotSent):
    """Auth-MS, which knows patients' addresses, could not be asked."""

    stops_round = True


class MailServerUnavailable(MailNotSent):
    """The SMTP server is unreachable or refuses for now."""

    stops_round = True


class MailRejected(MailNotSent):
    """The SMTP server refused this mail for good (e.g. the mailbox does not exist)."""


class PatientContacts(abc.ABC):
    @abc.abstractmethod
    def contact_of(self, patient_id: uuid.UUID) -> Mailbox:
        """The patient's mail address and name; raises RecipientUnknown or ContactsUnavailable."""


class MailSender(abc.ABC):
    @abc.abstractmethod
    def send(self, mail: PatientMail) -> None:
        """Hand the mail to the mail server; raises MailServerUnavailable or MailRejected."""


# -- integrations ---------------------------------------------------------------------------------------


class AccountsUnavailable(Exception):
    """Auth-MS could not say whose patient an account is (down, slow, or an unexpected answer)."""


class PatientAccounts(abc.ABC):
    """Auth-MS's accounts, asked before an integration acts for a patient."""

    @abc.abstractmethod
    def account_of(self, user_id: uuid.UUID) -> PatientAccount | None:
        """The account, None when Auth-MS has none; raises AccountsUnavailable when it cannot tell."""


# -- webhooks -------------------------------------------------------------------------------------------


class WebhookSubscriptions(abc.ABC):
    @abc.abstractmethod
    def add(self, subscription: Subscription, *, created_by: uuid.UUID) -> Subscription: ...

    @abc.abstractmethod
    def get(self, subscription_id: uuid.UUID, *, for_update: bool = False) -> Subscription | None: ...

    @abc.abstractmethod
    def list(self, *, page: int, page_size: int) -> Page[Subscription]: ...

    @abc.abstractmethod
    def save(self, subscription: Subscription) -> Subscription: ...

    @abc.abstractmethod
    def delete(self, subscription_id: uuid.UUID) -> bool: ...


class WebhookDeliveries(abc.ABC):
    @abc.abstractmethod
    def list(
        self, subscription_id: uuid.UUID, *, status: str | None, page: int, page_size: int
    ) -> Page[Delivery]:
        """Deliveries to one endpoint, newest first."""

    @abc.abstractmethod
    def get(self, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery | None: ...

    @abc.abstractmethod
    def retry(self, delivery_id: uuid.UUID, *, now: datetime, give_up_at: datetime) -> None:
        """Make a delivery due again now (an admin asked), with a fresh retry window."""

    # The dispatcher's side.

    @abc.abstractmethod
    def fan_out(self, *, limit: int, retry_window: timedelta) -> int:
        """Turn up to `limit` new events into one delivery per active endpoint that wants them (locked
        rows skipped, so two dispatchers never fan out the same event); returns the events handled."""

    @abc.abstractmethod
    def endpoints_with_due(self, *, now: datetime) -> list[uuid.UUID]:
        """Active endpoints that have a delivery due by `now`."""

    @abc.abstractmethod
    def claim_due(
        self, subscription_id: uuid.UUID, *, now: datetime, limit: int, lease: timedelta
    ) -> list[DueDelivery]:
        """The endpoint's oldest due deliveries, made not due again until `now + lease` (so a dispatcher
        that dies mid-send leaves them to be tried again then)."""

    @abc.abstractmethod
    def record(
        self, delivery_id: uuid.UUID, outcome: SendOutcome, *, at: datetime, next_attempt_at: datetime | None
    ) -> None:
        """Keep what a try gave: delivered on 2xx; otherwise due again at next_attempt_at, or failed
        for good when that is None."""


class WebhookUnitOfWork(UnitOfWork):
    subscriptions: WebhookSubscriptions
    deliveries: WebhookDeliveries


class WebhookSender(abc.ABC):
    @abc.abstractmethod
    def send(self, url: str, *, body: bytes, headers: dict[str, str]) -> SendOutcome:
        """POST `body` to `url` with short timeouts; never raises (an error is an outcome)."""


class HostResolver(abc.ABC):
    @abc.abstractmethod
    def addresses(self, host: str, port: int) -> list[str]:
        """The IP addresses `host` resolves to (empty when it does not resolve)."""
