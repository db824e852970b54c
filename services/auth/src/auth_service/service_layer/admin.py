"""Use cases for administrators (and the operator's CLI): staff accounts, the user list, disabling, roles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from auth_service.domain.mails import set_password_mail
from auth_service.domain.one_time_tokens import TokenPurpose
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.users import STAFF_ROLES, Role, User, is_last_enabled_admin, normalize_email
from auth_service.ports import AuthUnitOfWork, Mailer, PasswordHasher, SessionStore
from auth_service.service_layer.tokens import issue_token
from hospital_shared.clock import Clock
from hospital_shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hospital_shared.identity import Identity
from hospital_shared.paging import Page

MAX_PAGE_SIZE = 100


def create_staff_account(
    uow: AuthUnitOfWork,
    *,
    email: str,
    full_name: str,
    role: Role,
    clock: Clock,
    mailer: Mailer,
    policy: AuthPolicy,
) -> User:
    """Create a doctor or admin account; the new user chooses a password from a mailed link."""
    if role not in STAFF_ROLES:
        raise ValidationFailed(
            "Admins create doctor and admin accounts only.", errors={"role": ["doctor or admin"]}
        )
    email = normalize_email(email)
    now = clock.now()
    with uow:
        if uow.users.by_email(email) is not None:
            raise Conflict(
                "An account with this email already exists.", errors={"email": ["already registered"]}
            )
        user = User.new(email=email, full_name=full_name, role=role, now=now)
        uow.users.add(user)
        raw_token = issue_token(
            uow, policy=policy, user_id=user.id, purpose=TokenPurpose.SET_PASSWORD, now=now
        )
        uow.commit()
    mailer.send(
        set_password_mail(
            to=email,
            role=user.role.value,
            link=policy.token_link("/set-password", raw_token),
            hours=int(policy.token_lifetime(TokenPurpose.SET_PASSWORD).total_seconds() // 3600),
        )
    )
    return user


def list_users(
    uow: AuthUnitOfWork, *, page: int, page_size: int, role: Role | None, query: str | None
) -> Page[User]:
    """Every account, newest first, optionally filtered by role and by a piece of email or name."""
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    with uow:
        return uow.users.list(page=max(page, 1), page_size=page_size, role=role, query=query or None)


def get_user(uow: AuthUnitOfWork, *, user_id: uuid.UUID) -> User:
    """One account."""
    with uow:
        user = uow.users.get(user_id)
    if user is None:
        raise NotFound("There is no account with this id.")
    return user


def set_account_disabled(
    uow: AuthUnitOfWork, *, user_id: uuid.UUID, disabled: bool, actor: Identity, sessions: SessionStore
) -> User:
    """Disable (all sessions end at once) or re-enable an account."""
    if disabled and user_id == actor.user_id:
        raise Forbidden("You cannot disable your own account.")
    with uow:
        user, enabled_admins = _locked_account(uow, user_id)
        if disabled and is_last_enabled_admin(user, enabled_admins):
            raise Conflict("This is the last enabled admin; it cannot be disabled.")
        user = user.with_disabled(disabled)
        uow.users.save(user)
        if disabled:
            uow.identities.remove_all_for_user(user_id)  # re-enabling restores no link
        uow.commit()
    if disabled:
        sessions.delete_all_for_user(user_id)
    return user


def change_role(
    uow: AuthUnitOfWork, *, user_id: uuid.UUID, role: Role, actor: Identity, sessions: SessionStore
) -> User:
    """Give an account another role; all its sessions end, so it signs in again with the new role.

    Giving an account the role it has changes nothing (no session ends), even for the admin's own account.
    """
    with uow:
        user, enabled_admins = _locked_account(uow, user_id)
        if user.role is role:
            return user  # nothing changes, and no session has to end
        if user.id == actor.user_id:
            raise Conflict(
                "You cannot change your own role; another admin can.",
                errors={"role": ["Not for your own account."]},
            )
        if is_last_enabled_admin(user, enabled_admins):
            raise Conflict(
                "This is the last enabled admin; make another account admin first.",
                errors={"role": ["The last enabled admin stays admin."]},
            )
        user = user.with_role(role)
        uow.users.save(user)
        uow.commit()
    sessions.delete_all_for_user(user.id)
    return user


def _locked_account(uow: AuthUnitOfWork, user_id: uuid.UUID) -> tuple[User, frozenset[uuid.UUID]]:
    """The account and the enabled admins' ids, locked admins first (see `lock_enabled_admins`)."""
    enabled_admins = uow.users.lock_enabled_admins()
    user = uow.users.get(user_id, for_update=True)
    if user is None:
        raise NotFound("There is no account with this id.")
    return user, enabled_admins


def create_or_reset_admin(
    uow: AuthUnitOfWork,
    *,
    email: str,
    password: str,
    hasher: PasswordHasher,
    clock: Clock,
    sessions: SessionStore,
) -> tuple[User, bool]:
    """The operator's way to the first admin: create it, or make an existing account an enabled admin
    with this password. Returns the account and whether it was created."""
    check_password_policy(password)
    email = normalize_email(email)
    password_hash = hasher.hash(password)
    now = clock.now()
    with uow:
        existing = uow.users.by_email(email)
        if existing is None:
            user = User.new(
                email=email,
                full_name="Administrator",
                role=Role.ADMIN,
                now=now,
                password_hash=password_hash,
                email_verified=True,
            )
            uow.users.add(user)
        else:
            user = replace(
                existing, role=Role.ADMIN, password_hash=password_hash, email_verified=True, disabled=False
            )
            uow.users.save(user)
            uow.identities.remove_all_for_user(user.id)  # a password reset by the operator
        uow.commit()
    if existing is not None:
        sessions.delete_all_for_user(user.id)
    return user, existing is None


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role

    @property
    def user_id(self) -> uuid.UUID:
        # Doctor-MS's demo seed derives the same id, so the demo doctor's profile belongs to this account.
        return uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:" + self.email)


DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - published demo credentials, printed by the seed command
# One person, one name: the names Patient-MS's and Doctor-MS's demo seeds give the same people.
DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.hospital.test", "Ada Admin", Role.ADMIN),
    DemoAccount("doctor@demo.hospital.test", "Dr. Emma Fischer", Role.DOCTOR),
    DemoAccount("patient@demo.hospital.test", "Paula Patient", Role.PATIENT),
)


def seed_demo_accounts(
    uow: AuthUnitOfWork, *, hasher: PasswordHasher, clock: Clock
) -> list[tuple[DemoAccount, bool]]:
    """Create the missing demo accounts (idempotent); returns each account and whether it was created."""
    results = []
    now = clock.now()
    for account in DEMO_ACCOUNTS:
        with uow:
            if uow.users.get(account.user_id) is not None or uow.users.by_email(account.email) is not None:
                results.append((account, False))
                continue
            uow.users.add(
                User.new(
                    email=account.email,
                    full_name=account.full_name,
                    role=account.role,
                    now=now,
                    password_hash=hasher.hash(DEMO_PASSWORD),
                    email_verified=True,
                    user_id=account.user_id,
                )
            )
            uow.commit()
            results.append((account, True))
    return results
