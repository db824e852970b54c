"""The mail relay's view of the `mail_outbox` table: claim due rows, record what became of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from appointment_service.adapters.postgres.models import MailOutboxRow
from appointment_service.ports import MailRelayUnitOfWork, PendingMail, PendingMails
from hospital_shared.db import SqlAlchemyUnitOfWork


class SqlPendingMails(PendingMails):
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim_due(self, *, now: datetime, limit: int) -> list[PendingMail]:
        row, older = MailOutboxRow, aliased(MailOutboxRow)
        older_unsent = (
            select(older.id)
            .where(older.appointment_id == row.appointment_id, older.sent_at.is_(None), older.id < row.id)
            .exists()
        )
        rows = self._session.scalars(
            select(row)
            .where(row.sent_at.is_(None), row.next_attempt_at <= now, ~older_unsent)
            .order_by(row.id)
            .limit(limit)
            # Another relay (a second replica that briefly thinks it leads) takes other rows, never these.
            .with_for_update(skip_locked=True)
        )
        return [
            PendingMail(
                id=r.id,
                appointment_id=r.appointment_id,
                patient_id=r.patient_id,
                kind=r.kind,
                payload=dict(r.payload),
                attempts=r.attempts,
            )
            for r in rows
        ]

    def mark_sent(self, mail_id: int, *, at: datetime) -> None:
        self._session.execute(
            update(MailOutboxRow)
            .where(MailOutboxRow.id == mail_id)
            .values(sent_at=at, attempts=MailOutboxRow.attempts + 1)
        )

    def mark_failed(self, mail_id: int, *, error: str, retry_at: datetime) -> None:
        self._session.execute(
            update(MailOutboxRow)
            .where(MailOutboxRow.id == mail_id)
            .values(attempts=MailOutboxRow.attempts + 1, last_error=error, next_attempt_at=retry_at)
        )

    def backlog(self) -> int:
        query = select(func.count()).select_from(MailOutboxRow).where(MailOutboxRow.sent_at.is_(None))
        return self._session.scalar(query) or 0


class SqlMailRelayUnitOfWork(SqlAlchemyUnitOfWork, MailRelayUnitOfWork):
    def _start(self, session: Session) -> None:
        self.pending = SqlPendingMails(session)
