"""In-memory fakes of Appointment-MS's ports, as faithful to the PostgreSQL and Redis adapters as tests need,
and the booking use cases wired to them (BookingDesk).

The unit of work keeps every change since `with uow:` began and throws it away unless `commit()` is called,
as a database transaction would. Appointments obey the two exclusion constraints of the schema: a doctor's
active appointments never overlap on [start, blocked_until), a patient's never on [start, end); "active" is
status booked or held, whatever the clock says, which is why the use cases expire stale holds first.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import hospital_testing
from appointment_service.domain.appointment import Appointment, AppointmentStatus
from appointment_service.domain.doctor import BookableDoctor
from appointment_service.domain.integrations import PatientAccount
from appointment_service.domain.mails import Mailbox, PatientMail
from appointment_service.domain.replicas import WorkerHeartbeat
from appointment_service.domain.slots import Busy, DoctorLoad
from appointment_service.domain.system import BookingCounts, ServiceHealth
from appointment_service.ports import (
    AccountsUnavailable,
    AppointmentFilter,
    AppointmentRepository,
    AppointmentUnitOfWork,
    ContactsUnavailable,
    DoctorDirectory,
    EventOutbox,
    EventSource,
    IdempotencyKeys,
    MailOutbox,
    MailRejected,
    MailRelayUnitOfWork,
    MailSender,
    MailServerUnavailable,
    PatientAccounts,
    PatientContacts,
    PendingMail,
    PendingMails,
    RecipientUnknown,
    ReplicaRegistry,
    ServiceProbes,
    SlotCache,
    StoredAnswer,
)
from appointment_service.service_layer.booking import (
    BookAppointment,
    Booked,
    GuestHeld,
    GuestHold,
    RescheduleAppointment,
    book_appointment,
    cancel_appointment,
    confirm_hold,
    hold_for_guest,
    reschedule_appointment,
)
from hospital_shared.clock import Clock
from hospital_shared.events import StreamEvent
from hospital_shared.identity import Identity
from hospital_shared.paging import Page
from hospital_testing import FixedClock

SEEN = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)
RELATIONSHIP = (*SEEN, AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)


class FakeAppointments(AppointmentRepository):
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.rows: dict[uuid.UUID, Appointment] = {}

    def _clash(self, new: Appointment) -> str | None:
        others = [a for a in self.rows.values() if a.status.is_active and a.id != new.id]
        blocked_until = new.blocked_until or new.end
        for a in others:
            if (
                a.doctor_id == new.doctor_id
                and a.start < blocked_until
                and new.start < (a.blocked_until or a.end)
            ):
                return "doctor"
        for a in others:
            if a.patient_id == new.patient_id and a.start < new.end and new.start < a.end:
                return "patient"
        return None

    def add_if_free(self, appointment: Appointment) -> bool:
        if appointment.status.is_active and self._clash(appointment):
            return False
        appointment.created_at = self._clock.now()
        self.rows[appointment.id] = replace(appointment)
        return True

    def expire_holds(
        self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID, start: datetime, end: datetime, now: datetime
    ) -> int:
        stale = [
            a
            for a in self.rows.values()
            if a.status is AppointmentStatus.HELD
            and a.hold_expires_at is not None
            and a.hold_expires_at <= now
            and (a.doctor_id == doctor_id or a.patient_id == patient_id)
            and a.start < end
            and (a.blocked_until or a.end) > start
        ]
        for a in stale:
            a.status = AppointmentStatus.EXPIRED
        return len(stale)

    def overlapping_owner(self, appointment: Appointment, *, now: datetime) -> str | None:
        return self._clash(appointment)

    def get(self, appointment_id: uuid.UUID, *, for_update: bool = False) -> Appointment | None:
        found = self.rows.get(appointment_id)
        return replace(found) if found else None

    def save(self, appointment: Appointment) -> None:
        self.rows[appointment.id] = replace(appointment)

    def claim(self, appointment_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        claimed = replace(self.rows[appointment_id], patient_id=patient_id, claim_token_hash=None)
        if self._clash(claimed):
            return False
        self.rows[appointment_id] = claimed
        return True

    def live_guest_holds(self, guest_key: str, *, now: datetime) -> int:
        return sum(
            1
            for a in self.rows.values()
            if a.guest_key == guest_key and a.effective_status(now) is AppointmentStatus.HELD
        )

    def busy(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, list[Busy]]:
        busy: dict[uuid.UUID, list[Busy]] = {}
        for a in sorted(self.rows.values(), key=lambda a: a.start):
            live = a.status is AppointmentStatus.BOOKED or (
                a.status is AppointmentStatus.HELD
                and a.hold_expires_at is not None
                and a.hold_expires_at > now
            )
            blocked_until = a.blocked_until or a.end
            if a.doctor_id in doctor_ids and live and a.start < end and blocked_until > start:
                busy.setdefault(a.doctor_id, []).append(Busy(a.start, blocked_until))
        return busy

    def loads(
        self, doctor_ids: Sequence[uuid.UUID], *, start: datetime, end: datetime, now: datetime
    ) -> dict[uuid.UUID, DoctorLoad]:
        loads: dict[uuid.UUID, DoctorLoad] = {}
        for doctor_id in doctor_ids:
            seen = [a for a in self.rows.values() if a.doctor_id == doctor_id and a.status in SEEN]
            if not seen:
                continue
            booked = sum(
                (min(a.end, end) - max(a.start, start)).total_seconds()
                for a in seen
                if a.status is AppointmentStatus.BOOKED and a.start < end and a.end > start
            )
            last = max((a.created_at for a in seen if a.created_at), default=None)
            loads[doctor_id] = DoctorLoad(booked_minutes=int(booked) // 60, last_booked_at=last)
        return loads

    def doctors_seen_by(self, patient_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            a.doctor_id for a in self.rows.values() if a.patient_id == patient_id and a.status in SEEN
        )

    def has_relationship(self, *, doctor_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        return any(
            a.doctor_id == doctor_id and a.patient_id == patient_id and a.status in RELATIONSHIP
            for a in self.rows.values()
        )

    def list(self, where: AppointmentFilter, *, page: int, page_size: int) -> Page[Appointment]:
        found = [
            a
            for a in self.rows.values()
            if (where.patient_id is None or a.patient_id == where.patient_id)
            and (where.doctor_id is None or a.doctor_id == where.doctor_id)
            and (where.start is None or a.end > where.start)
            and (where.end is None or a.start < where.end)
            and (not where.statuses or a.status.value in where.statuses)
        ]
        found.sort(key=lambda a: (a.start, str(a.id)), reverse=where.newest_first)
        return Page.of([replace(a) for a in found], page=page, page_size=page_size)

    def booking_counts(self, *, start: datetime, end: datetime) -> BookingCounts:
        rows = self.rows.values()
        created = [
            a
            for a in rows
            if a.created_at is not None
            and start <= a.created_at < end
            and a.hold_expires_at is None
            and a.rescheduled_from is None
        ]
        starting = [a for a in rows if start <= a.start < end and a.status in SEEN]
        return BookingCounts(created=len(created), starting=len(starting))


@dataclass
class _DoctorRow:
    version: int
    snapshot: dict[str, Any]
    doctor: BookableDoctor

    @property
    def active(self) -> bool:
        return bool(self.snapshot["doctor"].get("active", True))


class FakeDoctors(DoctorDirectory):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, _DoctorRow] = {}
        self.cursors: dict[str, tuple[str, int]] = {}

    def add(self, snapshot: dict[str, Any]) -> BookableDoctor:
        """Put a doctor in the projection as if its event had been applied (test setup)."""
        doctor_id = uuid.UUID(snapshot["doctor_id"])
        self.apply(doctor_id=doctor_id, version=snapshot["version"], snapshot=snapshot)
        return self.rows[doctor_id].doctor

    def get(self, doctor_id: uuid.UUID) -> BookableDoctor | None:
        row = self.rows.get(doctor_id)
        return row.doctor if row and row.active else None

    def by_user(self, user_id: uuid.UUID) -> BookableDoctor | None:
        return next((r.doctor for r in self.rows.values() if r.doctor.user_id == user_id), None)

    def with_specialization(self, slug: str) -> list[BookableDoctor]:
        return [
            r.doctor
            for r in self.rows.values()
            if r.active and any(s.slug == slug for s in r.doctor.specializations)
        ]

    def known_specializations(self) -> set[str]:
        return {s.slug for r in self.rows.values() for s in r.doctor.specializations}

    def snapshot_of(self, doctor_id: uuid.UUID) -> dict[str, Any] | None:
        row = self.rows.get(doctor_id)
        return copy.deepcopy(row.snapshot) if row else None

    def apply(self, *, doctor_id: uuid.UUID, version: int, snapshot: dict[str, Any]) -> set[str] | None:
        stored = self.rows.get(doctor_id)
        if stored is not None and stored.version >= version:
            return None
        before = {s.slug for s in stored.doctor.specializations} if stored else set()
        doctor = BookableDoctor.from_snapshot(snapshot, version=version)
        self.rows[doctor_id] = _DoctorRow(version, copy.deepcopy(snapshot), doctor)
        return before | {s.slug for s in doctor.specializations}

    def cursor(self, stream: str, *, for_update: bool = False) -> str | None:
        return self.cursors[stream][0] if stream in self.cursors else None

    def advance_cursor(self, stream: str, last_id: str, applied: int) -> None:
        previous = self.cursors.get(stream, ("", 0))[1]
        self.cursors[stream] = (last_id, previous + applied)


class FakeIdempotencyKeys(IdempotencyKeys):
    def __init__(self) -> None:
        self.rows: dict[tuple[uuid.UUID, str], StoredAnswer] = {}

    def claim(
        self,
        *,
        user_id: uuid.UUID,
        key: str,
        request_hash: str,
        status_code: int | None = None,
        response: dict[str, Any] | None = None,
    ) -> StoredAnswer | None:
        if (user_id, key) in self.rows:
            return self.rows[(user_id, key)]
        self.rows[(user_id, key)] = StoredAnswer(request_hash, status_code, copy.deepcopy(response))
        return None

    def answer(self, *, user_id: uuid.UUID, key: str, status_code: int, response: dict[str, Any]) -> None:
        claimed = self.rows[(user_id, key)]
        self.rows[(user_id, key)] = StoredAnswer(claimed.request_hash, status_code, copy.deepcopy(response))


@dataclass(frozen=True)
class OutboxMail:
    kind: str
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    payload: dict[str, Any]


class FakeMailOutbox(MailOutbox):
    def __init__(self) -> None:
        self.rows: list[OutboxMail] = []

    def add(
        self, *, kind: str, appointment_id: uuid.UUID, patient_id: uuid.UUID, payload: dict[str, Any]
    ) -> None:
        self.rows.append(OutboxMail(kind, appointment_id, patient_id, copy.deepcopy(payload)))


class FakeEventOutbox(EventOutbox):
    def __init__(self) -> None:
        self.rows: list[tuple[str, dict[str, Any]]] = []

    def add(self, event_type: str, data: dict[str, Any]) -> None:
        self.rows.append((event_type, copy.deepcopy(data)))

    @property
    def types(self) -> list[str]:
        return [event_type for event_type, _ in self.rows]


class FakeUnitOfWork(hospital_testing.FakeUnitOfWork, AppointmentUnitOfWork):
    """One in-memory database; what a `with uow:` block did not commit is gone when the block ends."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.appointments = FakeAppointments(clock or FixedClock(datetime.now(UTC)))
        self.doctors = FakeDoctors()
        self.idempotency = FakeIdempotencyKeys()
        self.mails = FakeMailOutbox()
        self.events = FakeEventOutbox()

    def snapshot(self) -> tuple[Any, ...]:
        return copy.deepcopy(
            (
                self.appointments.rows,
                self.doctors.rows,
                self.doctors.cursors,
                self.idempotency.rows,
                self.mails.rows,
                self.events.rows,
            )
        )

    def restore(self, state: tuple[Any, ...]) -> None:
        (
            self.appointments.rows,
            self.doctors.rows,
            self.doctors.cursors,
            self.idempotency.rows,
            self.mails.rows,
            self.events.rows,
        ) = state


class FakeSlotCache(SlotCache):
    """Answers per (scope, generation, key); invalidating a scope bumps its generation, as in Redis."""

    def __init__(self) -> None:
        self.generations: dict[str, int] = {}
        self.answers: dict[tuple[str, str, str], bytes] = {}

    def generation(self, scope: str) -> int:
        return self.generations.get(scope, 0)

    def get(self, scope: str, key: str) -> tuple[str, bytes | None]:
        generation = str(self.generation(scope))
        return generation, self.answers.get((scope, generation, key))

    def put(self, scope: str, generation: str, key: str, body: bytes, *, ttl_seconds: int) -> None:
        if generation and ttl_seconds > 0 and generation == str(self.generation(scope)):
            self.answers[(scope, generation, key)] = body

    def invalidate(self, *, doctor_ids: Sequence[uuid.UUID], specializations: Sequence[str]) -> None:
        for scope in [f"doctor:{d}" for d in doctor_ids] + [f"spec:{s}" for s in specializations]:
            self.generations[scope] = self.generation(scope) + 1


def _position(stream_id: str) -> tuple[int, int]:
    millis, _, sequence = stream_id.partition("-")
    return int(millis), int(sequence or 0)


class FakeEventSource(EventSource):
    def __init__(self, events: Sequence[StreamEvent] = ()) -> None:
        self.events = list(events)

    def read(self, after: str, *, count: int, block_ms: int | None) -> list[StreamEvent]:
        return [e for e in self.events if _position(e.stream_id) > _position(after)][:count]

    def entries_after(self, after: str, *, limit: int) -> int:
        return min(limit, len(self.read(after, count=limit, block_ms=None)))


class FakeReplicaRegistry(ReplicaRegistry):
    """Heartbeats per (instance, pid), each live until its TTL has passed on the given clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.entries: dict[tuple[str, int], tuple[WorkerHeartbeat, datetime]] = {}
        self.down = False  # Redis unreachable

    def _reachable(self) -> None:
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def publish(self, heartbeat: WorkerHeartbeat, *, ttl_seconds: int) -> None:
        self._reachable()
        expires = self._clock.now() + timedelta(seconds=ttl_seconds)
        self.entries[(heartbeat.worker.instance, heartbeat.worker.pid)] = (heartbeat, expires)

    def withdraw(self, *, instance: str, pid: int) -> None:
        self._reachable()
        self.entries.pop((instance, pid), None)

    def live(self) -> list[WorkerHeartbeat]:
        self._reachable()
        now = self._clock.now()
        return [beat for beat, expires in self.entries.values() if expires > now]


class FakeServiceProbes(ServiceProbes):
    """Every service ready (answering in 5 ms) unless told otherwise."""

    def __init__(self, names: Sequence[str] = ("auth", "patient", "doctor", "appointment")) -> None:
        self.answers = {
            name: ServiceHealth(
                name=name,
                ready=True,
                response_time_ms=5.0,
                status_code=200,
                checks={"database": {"status": "ok"}},
            )
            for name in names
        }

    def is_down(self, name: str) -> None:
        self.answers[name] = ServiceHealth(
            name=name, ready=False, response_time_ms=1000.0, detail="no answer within 1 s"
        )

    def check_all(self) -> list[ServiceHealth]:
        return list(self.answers.values())


class FakePatientAccounts(PatientAccounts):
    """Auth-MS's accounts; `down` makes every question fail as an unreachable Auth-MS would."""

    def __init__(self) -> None:
        self.accounts: dict[uuid.UUID, PatientAccount] = {}
        self.down = False
        self.asked = 0

    def register(
        self, *, key_id: uuid.UUID | None, role: str = "patient", disabled: bool = False
    ) -> uuid.UUID:
        """A new account, registered by the API key `key_id` (None: the person signed up themselves)."""
        user_id = uuid.uuid4()
        self.accounts[user_id] = PatientAccount(user_id, role, key_id, disabled)
        return user_id

    def disable(self, user_id: uuid.UUID) -> None:
        self.accounts[user_id] = replace(self.accounts[user_id], disabled=True)

    def account_of(self, user_id: uuid.UUID) -> PatientAccount | None:
        self.asked += 1
        if self.down:
            raise AccountsUnavailable("Auth-MS is down")
        return self.accounts.get(user_id)


# -- the mail relay ----------------------------------------------------------------------------------------


@dataclass
class OutboxRow:
    id: int
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    next_attempt_at: datetime
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None


class FakePendingMails(PendingMails):
    def __init__(self) -> None:
        self.rows: list[OutboxRow] = []

    def claim_due(self, *, now: datetime, limit: int) -> list[PendingMail]:
        unsent = [r for r in self.rows if r.sent_at is None]
        due = [
            r
            for r in unsent
            if r.next_attempt_at <= now
            and not any(o.appointment_id == r.appointment_id and o.id < r.id for o in unsent)
        ]
        return [
            PendingMail(r.id, r.appointment_id, r.patient_id, r.kind, dict(r.payload), r.attempts)
            for r in sorted(due, key=lambda r: r.id)[:limit]
        ]

    def _row(self, mail_id: int) -> OutboxRow:
        return next(r for r in self.rows if r.id == mail_id)

    def mark_sent(self, mail_id: int, *, at: datetime) -> None:
        row = self._row(mail_id)
        row.sent_at, row.attempts = at, row.attempts + 1

    def mark_failed(self, mail_id: int, *, error: str, retry_at: datetime) -> None:
        row = self._row(mail_id)
        row.attempts, row.last_error, row.next_attempt_at = row.attempts + 1, error, retry_at

    def backlog(self) -> int:
        return sum(1 for r in self.rows if r.sent_at is None)


class FakeMailRelayUnitOfWork(hospital_testing.FakeUnitOfWork, MailRelayUnitOfWork):
    """Counts commits but undoes nothing: the relay changes its rows in place and tests watch those rows."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = FakePendingMails()


class FakeContacts(PatientContacts):
    def __init__(self) -> None:
        self.known: dict[uuid.UUID, Mailbox] = {}
        self.down = False

    def contact_of(self, patient_id: uuid.UUID) -> Mailbox:
        if self.down:
            raise ContactsUnavailable("Auth-MS is down")
        if patient_id not in self.known:
            raise RecipientUnknown("no such account")
        return self.known[patient_id]


class FakeSender(MailSender):
    def __init__(self) -> None:
        self.sent: list[PatientMail] = []
        self.down = False
        self.rejects: set[str] = set()
        self.tries = 0

    def send(self, mail: PatientMail) -> None:
        self.tries += 1
        if self.down:
            raise MailServerUnavailable("connection refused")
        if mail.to.address in self.rejects:
            raise MailRejected("550 no such mailbox")
        self.sent.append(mail)


# -- the use cases over the fakes ----------------------------------------------------------------------------


class BookingDesk:
    """The booking use cases wired to fakes, as bootstrap wires them to PostgreSQL and Redis; a test
    (or its own desk, a subclass) says only what is booked, held, confirmed, cancelled or moved."""

    def __init__(
        self, now: datetime, *, hold_minutes: int = 5, accounts: PatientAccounts | None = None
    ) -> None:
        self.clock = FixedClock(now)
        self.uow = FakeUnitOfWork(self.clock)
        self.cache = FakeSlotCache()
        self.hold_minutes = hold_minutes
        self.accounts = accounts

    def book_appointment(self, command: BookAppointment) -> Booked:
        return book_appointment(
            self.uow,
            cmd=command,
            cache=self.cache,
            clock=self.clock,
            hold_minutes=self.hold_minutes,
            accounts=self.accounts,
        )

    def hold_for_guest(
        self, doctor: BookableDoctor, start: datetime, *, guest_key: str, max_live_holds: int
    ) -> GuestHeld:
        return hold_for_guest(
            self.uow,
            cmd=GuestHold(doctor_id=doctor.id, start=start, guest_key=guest_key),
            cache=self.cache,
            clock=self.clock,
            hold_minutes=self.hold_minutes,
            max_live_holds=max_live_holds,
        )

    def confirm(
        self,
        hold: Appointment,
        *,
        patient_id: uuid.UUID,
        reason: str | None = None,
        claim_token: str | None = None,
    ) -> Appointment:
        return confirm_hold(
            self.uow,
            hold_id=hold.id,
            patient_id=patient_id,
            reason=reason,
            claim_token=claim_token,
            cache=self.cache,
            clock=self.clock,
        )

    def cancel(self, appointment: Appointment, actor: Identity) -> Appointment:
        return cancel_appointment(
            self.uow,
            appointment_id=appointment.id,
            actor=actor,
            reason="cannot come",
            cache=self.cache,
            clock=self.clock,
            accounts=self.accounts,
        )

    def reschedule(
        self, appointment: Appointment, start: datetime, *, actor: Identity | None = None
    ) -> Appointment:
        """Move `appointment` to `start`, asked by `actor` (by default its patient)."""
        actor = actor or Identity(appointment.patient_id, "patient")
        command = RescheduleAppointment(appointment.id, actor, start)
        return reschedule_appointment(
            self.uow, cmd=command, cache=self.cache, clock=self.clock, accounts=self.accounts
        )
