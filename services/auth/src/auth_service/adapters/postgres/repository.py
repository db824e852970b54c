"""Translates between Auth-MS rows and domain objects."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from auth_service.adapters.postgres.models import (
    ApiKeyRow,
    ExternalIdentityRow,
    OneTimeTokenRow,
    RecoveryCodeRow,
    TotpAuthenticatorRow,
    UserRow,
    account_outbox,
)
from auth_service.domain.account_events import account_changes, account_event_payload
from auth_service.domain.api_keys import ApiKey
from auth_service.domain.one_time_tokens import OneTimeToken, TokenPurpose
from auth_service.domain.totp import TotpAuthenticator
from auth_service.domain.users import Role, User
from auth_service.ports import (
    ApiKeyRepository,
    AuthUnitOfWork,
    ExternalIdentityRepository,
    IdentityLink,
    MfaRepository,
    OneTimeTokenRepository,
    UserRepository,
)
from hospital_shared.clock import Clock, SystemClock
from hospital_shared.db import SqlAlchemyUnitOfWork
from hospital_shared.errors import Conflict
from hospital_shared.paging import Page, paginate


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        role=Role(row.role),
        password_hash=row.password_hash,
        email_verified=row.email_verified,
        disabled=row.disabled,
        created_at=row.created_at,
        registered_by_key=row.registered_by_key,
    )


def _copy_user(user: User, row: UserRow) -> None:
    row.email = user.email
    row.full_name = user.full_name
    row.role = user.role.value
    row.password_hash = user.password_hash
    row.email_verified = user.email_verified
    row.disabled = user.disabled
    row.registered_by_key = user.registered_by_key


class AccountEventWriter:
    """Collects the account events of one unit of work and writes them, with the users' new versions, just
    before it commits: in the same transaction, and after the account rows themselves."""

    def __init__(self, session: Session, *, now: Callable[[], datetime]) -> None:
        self._session = session
        self._now = now
        self._pending: list[tuple[str, User, bool]] = []

    def record(self, event_types: list[str], user: User, *, created: bool = False) -> None:
        self._pending.extend((event_type, user, created) for event_type in event_types)

    def forget(self) -> None:
        self._pending.clear()

    def write(self) -> None:
        pending, self._pending = self._pending, []
        for event_type, user, created in pending:
            version = 1 if created else self._next_version(user.id)
            now = self._now()
            self._session.execute(
                account_outbox.insert().values(
                    event_id=uuid.uuid4(),
                    event_type=event_type,
                    aggregate_id=user.id,
                    version=version,
                    payload=account_event_payload(event_type, user, version=version, occurred_at=now),
                    occurred_at=now,
                )
            )

    def _next_version(self, user_id: uuid.UUID) -> int:
        # One UPDATE ... RETURNING takes the row lock, so two changes of one account get two versions.
        version = self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(version=UserRow.version + 1)
            .returning(UserRow.version)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        return int(version)


class SqlUserRepository(UserRepository):
    """Accounts; every creation, disable, enable and role change also becomes an account event (see
    `AccountEventWriter`), so no path that changes an account can forget to tell the other services."""

    def __init__(self, session: Session, *, events: AccountEventWriter) -> None:
        self._session = session
        self._events = events

    def add(self, user: User) -> None:
        row = UserRow(id=user.id, created_at=user.created_at, version=1)
        _copy_user(user, row)
        self._session.add(row)
        self._events.record(account_changes(None, user), user, created=True)

    def save(self, user: User) -> None:
        row = self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(f"no user {user.id}")
        self._events.record(account_changes(_user(row), user), user)
        _copy_user(user, row)

    def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        if for_update:
            row = self._session.get(UserRow, user_id, with_for_update=True, populate_existing=True)
        else:
            row = self._session.get(UserRow, user_id)
        return _user(row) if row else None

    def lock_enabled_admins(self) -> frozenset[uuid.UUID]:
        ids = self._session.scalars(
            select(UserRow.id)
            .where(UserRow.role == Role.ADMIN.value, UserRow.disabled.is_(False))
            .order_by(UserRow.id)
            .with_for_update()
        )
        return frozenset(ids)

    def by_email(self, email: str) -> User | None:
        row = self._session.scalars(select(UserRow).where(UserRow.email == email)).first()
        return _user(row) if row else None

    def list(self, *, page: int, page_size: int, role: Role | None, query: str | None) -> Page[User]:
        conditions = []
        if role is not None:
            conditions.append(UserRow.role == role.value)
        if query:
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(or_(UserRow.email.ilike(pattern), UserRow.full_name.ilike(pattern)))
        stmt = select(UserRow).where(*conditions).order_by(UserRow.created_at.desc(), UserRow.id)
        return paginate(self._session, stmt, page=page, page_size=page_size, to_item=_user)


def _token(row: OneTimeTokenRow) -> OneTimeToken:
    return OneTimeToken(
        id=row.id,
        user_id=row.user_id,
        purpose=TokenPurpose(row.purpose),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class SqlOneTimeTokenRepository(OneTimeTokenRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: OneTimeToken) -> None:
        self._session.add(
            OneTimeTokenRow(
                id=token.id,
                user_id=token.user_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    def by_hash_for_update(self, token_hash: str) -> OneTimeToken | None:
        row = self._session.scalars(
            select(OneTimeTokenRow).where(OneTimeTokenRow.token_hash == token_hash).with_for_update()
        ).first()
        return _token(row) if row else None

    def save(self, token: OneTimeToken) -> None:
        row = self._session.get(OneTimeTokenRow, token.id)
        if row is None:
            raise LookupError(f"no token {token.id}")
        row.used_at = token.used_at

    def expire_unused(self, user_id: uuid.UUID, purposes: frozenset[TokenPurpose], now: datetime) -> None:
        self._session.execute(
            update(OneTimeTokenRow)
            .where(
                OneTimeTokenRow.user_id == user_id,
                OneTimeTokenRow.purpose.in_([p.value for p in purposes]),
                OneTimeTokenRow.used_at.is_(None),
            )
            .values(used_at=now)
        )


class SqlExternalIdentityRepository(ExternalIdentityRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def user_id_for(self, issuer: str, subject: str) -> uuid.UUID | None:
        return self._session.scalar(
            select(ExternalIdentityRow.user_id).where(
                ExternalIdentityRow.issuer == issuer, ExternalIdentityRow.subject == subject
            )
        )

    def link(
        self, *, issuer: str, subject: str, user_id: uuid.UUID, email: str | None, now: datetime
    ) -> None:
        self._session.add(
            ExternalIdentityRow(
                id=uuid.uuid4(),
                issuer=issuer,
                subject=subject,
                user_id=user_id,
                email_at_link=email,
                linked_at=now,
            )
        )

    def for_user(self, user_id: uuid.UUID) -> list[IdentityLink]:
        rows = self._session.scalars(
            select(ExternalIdentityRow)
            .where(ExternalIdentityRow.user_id == user_id)
            .order_by(ExternalIdentityRow.linked_at, ExternalIdentityRow.id)
        )
        return [
            IdentityLink(
                id=row.id,
                issuer=row.issuer,
                subject=row.subject,
                user_id=row.user_id,
                email_at_link=row.email_at_link,
                linked_at=row.linked_at,
            )
            for row in rows
        ]

    def remove(self, user_id: uuid.UUID, link_id: uuid.UUID) -> bool:
        result = self._session.execute(
            sa_delete(ExternalIdentityRow).where(
                ExternalIdentityRow.id == link_id, ExternalIdentityRow.user_id == user_id
            )
        )
        return result.rowcount > 0

    def remove_all_for_user(self, user_id: uuid.UUID) -> int:
        result = self._session.execute(
            sa_delete(ExternalIdentityRow).where(ExternalIdentityRow.user_id == user_id)
        )
        return result.rowcount


class SqlMfaRepository(MfaRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def authenticator(self, user_id: uuid.UUID, *, for_update: bool = False) -> TotpAuthenticator | None:
        row = self._session.get(
            TotpAuthenticatorRow, user_id, with_for_update=for_update, populate_existing=for_update
        )
        if row is None:
            return None
        return TotpAuthenticator(
            user_id=row.user_id,
            secret=row.secret,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            last_used_step=row.last_used_step,
        )

    def save_authenticator(self, authenticator: TotpAuthenticator) -> None:
        row = self._session.get(TotpAuthenticatorRow, authenticator.user_id)
        if row is None:
            row = TotpAuthenticatorRow(user_id=authenticator.user_id)
            self._session.add(row)
        row.secret = authenticator.secret
        row.created_at = authenticator.created_at
        row.confirmed_at = authenticator.confirmed_at
        row.last_used_step = authenticator.last_used_step

    def remove_for_user(self, user_id: uuid.UUID) -> None:
        self._session.execute(sa_delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        self._session.execute(sa_delete(TotpAuthenticatorRow).where(TotpAuthenticatorRow.user_id == user_id))

    def replace_recovery_codes(self, user_id: uuid.UUID, code_hashes: list[str], *, now: datetime) -> None:
        self._session.execute(sa_delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        self._session.add_all(
            RecoveryCodeRow(id=uuid.uuid4(), user_id=user_id, code_hash=code_hash, created_at=now)
            for code_hash in code_hashes
        )

    def use_recovery_code(self, user_id: uuid.UUID, code_hash: str, *, now: datetime) -> bool:
        # One UPDATE ... WHERE used_at IS NULL: two requests racing with the same code, one wins.
        used = self._session.scalar(
            update(RecoveryCodeRow)
            .where(
                RecoveryCodeRow.user_id == user_id,
                RecoveryCodeRow.code_hash == code_hash,
                RecoveryCodeRow.used_at.is_(None),
            )
            .values(used_at=now)
            .returning(RecoveryCodeRow.id)
        )
        return used is not None

    def recovery_codes_left(self, user_id: uuid.UUID) -> int:
        count = self._session.scalar(
            select(func.count())
            .select_from(RecoveryCodeRow)
            .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None))
        )
        return count or 0


def _api_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        secret_sha256=row.secret_sha256,
        scopes=frozenset(row.scopes),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        rate_limit_per_minute=row.rate_limit_per_minute,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


class SqlApiKeyRepository(ApiKeyRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: ApiKey) -> None:
        self._session.add(
            ApiKeyRow(
                id=key.id,
                name=key.name,
                prefix=key.prefix,
                secret_sha256=key.secret_sha256,
                scopes=sorted(key.scopes),
                created_by=key.created_by,
                created_at=key.created_at,
                expires_at=key.expires_at,
                revoked_at=key.revoked_at,
                last_used_at=key.last_used_at,
                rate_limit_per_minute=key.rate_limit_per_minute,
            )
        )

    def get(self, key_id: uuid.UUID, *, for_update: bool = False) -> ApiKey | None:
        row = self._session.get(ApiKeyRow, key_id, with_for_update=for_update, populate_existing=for_update)
        return _api_key(row) if row else None

    def by_secret_digest(self, digest: str) -> ApiKey | None:
        row = self._session.scalars(select(ApiKeyRow).where(ApiKeyRow.secret_sha256 == digest)).first()
        return _api_key(row) if row else None

    def list(self, *, page: int, page_size: int) -> Page[ApiKey]:
        stmt = select(ApiKeyRow).order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.id)
        return paginate(self._session, stmt, page=page, page_size=page_size, to_item=_api_key)

    def save(self, key: ApiKey) -> None:
        row = self._session.get(ApiKeyRow, key.id)
        if row is None:
            raise LookupError(f"no API key {key.id}")
        row.revoked_at = key.revoked_at

    def mark_used(self, key_id: uuid.UUID, *, now: datetime) -> None:
        self._session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )


class SqlAuthUnitOfWork(SqlAlchemyUnitOfWork, AuthUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], *, clock: Clock | None = None) -> None:
        super().__init__(session_factory)
        self._clock = clock or SystemClock()

    def _start(self, session: Session) -> None:
        self._events = AccountEventWriter(session, now=self._clock.now)
        self.users = SqlUserRepository(session, events=self._events)
        self.tokens = SqlOneTimeTokenRepository(session)
        self.identities = SqlExternalIdentityRepository(session)
        self.mfa = SqlMfaRepository(session)
        self.api_keys = SqlApiKeyRepository(session)

    def commit(self) -> None:
        try:
            self._events.write()
            super().commit()
        except IntegrityError as error:
            # Two requests raced for the same email or provider user: the loser gets a clean 409.
            self.rollback()
            raise Conflict("This account changed at the same time; try again.") from error

    def rollback(self) -> None:
        self._events.forget()
        super().rollback()
