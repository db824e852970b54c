"""The one place where Appointment-MS's adapters are wired together."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import ClassVar

from appointment_service import MIGRATIONS_DIR
from appointment_service.adapters.contacts.auth_api import AuthApiPatientAccounts, AuthApiPatientContacts
from appointment_service.adapters.contacts.recent import RecentPatientAccounts
from appointment_service.adapters.mail.relay import MailRelay
from appointment_service.adapters.mail.smtp import SmtpMailSender
from appointment_service.adapters.postgres.mail_outbox import SqlMailRelayUnitOfWork
from appointment_service.adapters.postgres.repository import ParsedDoctors, SqlAppointmentUnitOfWork
from appointment_service.adapters.postgres.webhooks import SqlWebhookUnitOfWork
from appointment_service.adapters.readiness.http_probes import HttpReadinessProbes
from appointment_service.adapters.redis.doctor_events import RedisDoctorEvents
from appointment_service.adapters.redis.replica_registry import RedisReplicaRegistry
from appointment_service.adapters.redis.slot_cache import RedisSlotCache
from appointment_service.adapters.replica_heartbeat import ReplicaHeartbeat
from appointment_service.adapters.webhooks.https_sender import HttpsWebhookSender, SystemResolver
from appointment_service.adapters.webhooks.metrics import record_webhook_outcome
from appointment_service.config import Settings
from appointment_service.domain.mails import Mailbox, RetryPolicy
from appointment_service.domain.replicas import ReplicaWorker, RequestWindow
from appointment_service.domain.webhooks import Backoff
from appointment_service.ports import PatientAccounts
from appointment_service.service_layer.mail_relay import MailRelayPorts
from appointment_service.service_layer.projection import (
    DoctorStreamFollower,
    projection_lag,
    unapplied_events,
)
from appointment_service.service_layer.system import publish_heartbeat
from appointment_service.service_layer.webhook_dispatch import DispatchSettings, WebhookDispatcher
from appointment_service.service_layer.webhooks import TargetPolicy
from hospital_shared.background import BackgroundRunner
from hospital_shared.clock import Clock, SystemClock
from hospital_shared.container import ServiceContainer, open_connections
from hospital_shared.events import PostgresAdvisoryLock, RelayRunner
from hospital_shared.health import ReadinessCheck
from hospital_shared.metrics import ScrapeGauge
from hospital_shared.redis_client import make_redis


@dataclass
class Container(ServiceContainer):
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR
    settings: Settings

    clock: Clock = field(default_factory=SystemClock)
    parsed_doctors: ParsedDoctors = field(default_factory=ParsedDoctors)
    _slot_cache: RedisSlotCache | None = field(default=None, repr=False)
    _follower: RelayRunner | None = field(default=None, repr=False)
    _mail_relay_runner: RelayRunner | None = field(default=None, repr=False)
    _webhook_runner: RelayRunner | None = field(default=None, repr=False)
    # This process's last minute of requests, for its heartbeat.
    request_window: RequestWindow = field(default_factory=RequestWindow)
    _service_probes: HttpReadinessProbes | None = field(default=None, repr=False)
    _patient_accounts: AuthApiPatientAccounts | None = field(default=None, repr=False)
    _recent_patient_accounts: RecentPatientAccounts | None = field(default=None, repr=False)
    _heartbeat: ReplicaHeartbeat | None = field(default=None, repr=False)

    def uow(self) -> SqlAppointmentUnitOfWork:
        return SqlAppointmentUnitOfWork(self.session_factory, self.parsed_doctors)

    @property
    def slot_cache(self) -> RedisSlotCache:
        if self._slot_cache is None:
            url = self.settings.cache_redis_url
            self._slot_cache = RedisSlotCache(make_redis(url) if url else self.redis)
        return self._slot_cache

    @property
    def patient_accounts(self) -> PatientAccounts:
        """Auth-MS, asked afresh: whose patient an account is, before an integration changes anything."""
        if self._patient_accounts is None:
            settings = self.settings
            self._patient_accounts = AuthApiPatientAccounts(
                settings.auth_internal_url,
                internal_token=settings.internal_token,
                timeout_seconds=settings.auth_timeout_seconds,
            )
        return self._patient_accounts

    @property
    def recent_patient_accounts(self) -> PatientAccounts:
        """The same, kept a few seconds (INTEGRATION_ACCOUNT_CACHE_SECONDS): for integrations' reads only."""
        if self._recent_patient_accounts is None:
            self._recent_patient_accounts = RecentPatientAccounts(
                self.patient_accounts, ttl_seconds=self.settings.integration_account_cache_seconds
            )
        return self._recent_patient_accounts

    def doctor_events(self) -> RedisDoctorEvents:
        return RedisDoctorEvents(self.redis, self.settings.doctor_events_stream)

    def projection_follower(self) -> RelayRunner:
        """Keeps the doctor projection from the stream; one process applies, elected by an advisory lock."""
        if self._follower is None:
            stream = self.settings.doctor_events_stream
            follower = DoctorStreamFollower(
                stream=stream, events=self.doctor_events(), uow_factory=self.uow, cache=self.slot_cache
            )
            lock = PostgresAdvisoryLock(self.engine, f"doctor-projection:{stream}")
            # The follower waits on the stream itself; a process without the lock looks again each second.
            self._follower = RelayRunner(follower, lock, interval_seconds=0, idle_wait_seconds=1.0)
        return self._follower

    def readiness_checks(self) -> list[ReadinessCheck]:
        """Database, Redis and schema, plus how far the doctor projection lags behind the stream."""
        stream = self.settings.doctor_events_stream

        def projection() -> dict[str, object]:
            return projection_lag(self.uow(), stream=stream, events=self.doctor_events())

        return [*super().readiness_checks(), ReadinessCheck("projection", projection)]

    def projection_lag_gauge(self) -> ScrapeGauge:
        """appointment_projection_lag_events, read at each scrape (the ProjectionLagging alert's input)."""
        stream = self.settings.doctor_events_stream

        def read() -> list[tuple[list[str], float]]:
            return [([], unapplied_events(self.uow(), stream=stream, events=self.doctor_events()))]

        return ScrapeGauge(
            "appointment_projection_lag_events",
            "Doctor-events stream entries the doctor projection has not applied yet (counted up to 1000).",
            [],
            read,
        )

    def mail_relay_runner(self) -> RelayRunner:
        """The mail outbox relay (mails to patients); one process sends, elected by an advisory lock."""
        if self._mail_relay_runner is None:
            relay = MailRelay(SqlMailRelayUnitOfWork(self.session_factory), ports=mail_relay_ports(self))
            lock = PostgresAdvisoryLock(self.engine, "mail-relay")
            self._mail_relay_runner = RelayRunner(
                relay, lock, interval_seconds=self.settings.mail_relay_interval_seconds
            )
        return self._mail_relay_runner

    def webhook_uow(self) -> SqlWebhookUnitOfWork:
        return SqlWebhookUnitOfWork(self.session_factory)

    @property
    def webhook_targets(self) -> TargetPolicy:
        """Where admins may point endpoints (public hosts, unless WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
        return TargetPolicy(SystemResolver(), allow_private=self.settings.webhook_allow_private_targets)

    @property
    def webhook_retry_window(self) -> timedelta:
        return timedelta(hours=self.settings.webhook_retry_hours)

    def webhook_dispatcher(self) -> WebhookDispatcher:
        settings = self.settings
        sender = HttpsWebhookSender(
            resolver=SystemResolver(), allow_private=settings.webhook_allow_private_targets,
            ca_bundle=settings.webhook_ca_bundle,
            connect_timeout_seconds=settings.webhook_connect_timeout_seconds,
            read_timeout_seconds=settings.webhook_read_timeout_seconds,
        )  # fmt: skip
        timeouts = settings.webhook_connect_timeout_seconds + settings.webhook_read_timeout_seconds
        return WebhookDispatcher(
            uow_factory=self.webhook_uow, sender=sender, clock=self.clock,
            settings=DispatchSettings(
                workers=settings.webhook_workers, per_endpoint=settings.webhook_per_endpoint,
                retry_window=self.webhook_retry_window, lease=timedelta(seconds=2 * timeouts + 5),
                backoff=Backoff(
                    first_delay=timedelta(seconds=settings.webhook_retry_first_seconds),
                    max_delay=timedelta(seconds=settings.webhook_retry_max_seconds),
                ),
            ),
            on_outcome=record_webhook_outcome,
        )  # fmt: skip

    def webhook_runner(self) -> RelayRunner:
        """The webhook dispatcher; one process sends, elected by an advisory lock."""
        if self._webhook_runner is None:
            lock = PostgresAdvisoryLock(self.engine, "webhook-dispatcher")
            self._webhook_runner = RelayRunner(
                self.webhook_dispatcher(),
                lock,
                interval_seconds=self.settings.webhook_dispatch_interval_seconds,
            )
        return self._webhook_runner

    @property
    def instance_name(self) -> str:
        """This replica's name (INSTANCE_NAME), as X-Served-By says it."""
        return self.settings.instance_name or f"{self.settings.service_name}@{socket.gethostname()}"

    def replica_registry(self) -> RedisReplicaRegistry:
        return RedisReplicaRegistry(self.redis, self.settings.replica_registry_key)

    @property
    def service_probes(self) -> HttpReadinessProbes:
        """Every service's /readyz, this replica's own standing for Appointment-MS."""
        if self._service_probes is None:
            settings = self.settings
            self._service_probes = HttpReadinessProbes(
                {
                    "auth": settings.auth_internal_url,
                    "patient": settings.patient_internal_url,
                    "doctor": settings.doctor_internal_url,
                    "appointment": f"http://{own_address(settings.bind)}",
                },
                timeout_seconds=settings.readiness_probe_timeout_seconds,
            )
        return self._service_probes

    def replica_heartbeat(self) -> ReplicaHeartbeat:
        """This worker's announcement in the replica registry, renewed on a thread of its own."""
        if self._heartbeat is None:
            settings, registry = self.settings, self.replica_registry()
            worker = ReplicaWorker(
                instance=self.instance_name,
                address=public_address(settings.bind),
                pid=os.getpid(),
                started_at=self.clock.now(),
            )

            def beat() -> None:
                publish_heartbeat(
                    worker=worker, window=self.request_window, registry=registry, clock=self.clock,
                    ttl_seconds=settings.replica_heartbeat_ttl_seconds,
                )  # fmt: skip

            self._heartbeat = ReplicaHeartbeat(
                beat,
                lambda: registry.withdraw(instance=worker.instance, pid=worker.pid),
                interval_seconds=settings.replica_heartbeat_seconds,
            )
        return self._heartbeat

    def background_work(self) -> dict[str, BackgroundRunner]:
        """What runs on threads of every web worker (see hospital_shared.background): the heartbeat, so the
        system page finds each replica without a list to keep, and the projection follower, mail relay and
        webhook dispatcher, of which a Postgres advisory lock lets exactly one process run each."""
        settings = self.settings
        work: dict[str, BackgroundRunner] = {}
        if settings.replica_heartbeat_enabled:
            work["replica-heartbeat"] = self.replica_heartbeat()
        if settings.projection_consumer_enabled:
            work["doctor-projection"] = self.projection_follower()
        if settings.mail_relay_enabled:
            work["appointment-mail-relay"] = self.mail_relay_runner()
        if settings.webhook_dispatch_enabled:
            work["appointment-webhooks"] = self.webhook_runner()
        return work

    def close(self) -> None:
        if self._follower is not None:
            self._follower.stop()
        if self._mail_relay_runner is not None:
            self._mail_relay_runner.stop()
        if self._webhook_runner is not None:
            self._webhook_runner.stop()
            self._webhook_runner.relay.close()  # type: ignore[attr-defined]
        if self._heartbeat is not None:
            self._heartbeat.stop()
        if self._service_probes is not None:
            self._service_probes.close()
        super().close()


_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}


def own_address(bind: str) -> str:
    """Where this process reaches itself: BIND, on loopback when BIND listens on every address."""
    host, _, port = bind.rpartition(":")
    return f"127.0.0.1:{port}" if host in _ANY_ADDRESS else bind


def public_address(bind: str) -> str:
    """Where others reach this replica: BIND, with the host name when BIND listens on every address."""
    host, _, port = bind.rpartition(":")
    return f"{socket.gethostname()}:{port}" if host in _ANY_ADDRESS else bind


def mail_relay_ports(container: Container, *, clock: Clock | None = None) -> MailRelayPorts:
    """The mail relay's adapters: the outbox, Auth-MS for addresses, SMTP for sending."""
    settings = container.settings
    sender_name, sender_address = parseaddr(settings.mail_from)
    return MailRelayPorts(
        contacts=AuthApiPatientContacts(
            settings.auth_internal_url,
            internal_token=settings.internal_token,
            timeout_seconds=settings.auth_timeout_seconds,
        ),
        sender=SmtpMailSender(
            settings.smtp_url, mail_from=settings.mail_from, timeout_seconds=settings.smtp_timeout_seconds
        ),
        clock=clock or container.clock,
        organizer=Mailbox(address=sender_address, name=sender_name),
        batch_size=settings.mail_relay_batch_size,
        retry=RetryPolicy(
            first_delay=timedelta(seconds=settings.mail_retry_first_seconds),
            max_delay=timedelta(seconds=settings.mail_retry_max_seconds),
        ),
    )


def bootstrap(settings: Settings) -> Container:
    """Connect the adapters (lazily: nothing is dialled until first used)."""
    return Container.from_connections(settings, open_connections(settings))
