"""Use cases for passwords: mail a single-use link for a forgotten one, set a new one with it, and change
one's own password while signed in."""

from __future__ import annotations

import uuid

from auth_service.domain.mails import password_reset_mail
from auth_service.domain.one_time_tokens import PASSWORD_PURPOSES, TokenPurpose, hash_token
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.users import normalize_email
from auth_service.ports import (
    AttemptCounter,
    AuthUnitOfWork,
    Mailer,
    PasswordHasher,
    RecipientMailLimit,
    SessionStore,
)
from auth_service.service_layer.accounts import account_attempts_key, mail_throttle_key
from auth_service.service_layer.sessions import ClientInfo, SignedIn, sign_out_everywhere, start_session
from auth_service.service_layer.tokens import issue_token, may_mail
from hospital_shared.clock import Clock
from hospital_shared.errors import BadRequest, Unauthorized, ValidationFailed

WRONG_CURRENT_PASSWORD = "The current password is incorrect."  # noqa: S105 - a message


def request_password_reset(
    uow: AuthUnitOfWork,
    *,
    email: str,
    clock: Clock,
    policy: AuthPolicy,
    attempts: AttemptCounter,
    mail_limits: RecipientMailLimit | None,
    mailer: Mailer,
) -> None:
    """Mail a reset link if the account exists; the caller learns nothing either way."""
    email = normalize_email(email)
    now = clock.now()
    lifetime = policy.token_lifetime(TokenPurpose.PASSWORD_RESET)
    with uow:
        user = uow.users.by_email(email)
        if user is None or user.disabled:
            return
        if not attempts.first_within(
            mail_throttle_key("password-reset", email),
            seconds=int(policy.mail_resend_interval.total_seconds()),
        ):
            return
        if not may_mail(email=email, mail_limits=mail_limits, policy=policy):
            return
        raw_token = issue_token(
            uow, policy=policy, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, now=now
        )
        uow.commit()
    mailer.send(
        password_reset_mail(
            to=user.email,
            link=policy.token_link("/reset-password", raw_token),
            minutes=int(lifetime.total_seconds() // 60),
        )
    )


def _invalid_link() -> BadRequest:
    return BadRequest(
        "This password link is invalid, already used or expired. Ask for a new one.",
        errors={"token": ["invalid, used or expired"]},
    )


def reset_password(
    uow: AuthUnitOfWork,
    *,
    token: str,
    new_password: str,
    clock: Clock,
    hasher: PasswordHasher,
    sessions: SessionStore,
    attempts: AttemptCounter,
) -> None:
    """Set a new password with a mailed token (reset or first password); every session of the user ends."""
    check_password_policy(new_password, field="new_password")
    now = clock.now()
    with uow:
        found = uow.tokens.by_hash_for_update(hash_token(token))
        if found is None or found.purpose not in PASSWORD_PURPOSES or not found.is_usable(now):
            raise _invalid_link()
        user = uow.users.get(found.user_id)
        if user is None:
            raise BadRequest(
                "The account of this link no longer exists.", errors={"token": ["unknown account"]}
            )
        # Checked here, where the account is known; the token stays unused when the password is refused.
        check_password_policy(new_password, field="new_password", email=user.email, full_name=user.full_name)
        password_hash = hasher.hash(new_password)
        uow.tokens.save(found.used(now))
        uow.tokens.expire_unused(user.id, PASSWORD_PURPOSES, now)
        # Whoever opened the mailed link controls the mailbox: the address is verified from now on.
        uow.users.save(user.with_password(password_hash).verified())
        uow.identities.remove_all_for_user(user.id)  # a Google link may be how the account was taken
        uow.commit()
    sessions.delete_all_for_user(user.id)
    attempts.clear(account_attempts_key(user.email))


def change_password(
    uow: AuthUnitOfWork,
    *,
    user_id: uuid.UUID,
    current_password: str,
    new_password: str,
    client: ClientInfo,
    previous_secret: str | None,
    hasher: PasswordHasher,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
) -> SignedIn:
    """Change one's own password with the current one; every other session ends, this browser stays in."""
    with uow:
        user = uow.users.get(user_id)
    if user is None or user.disabled:
        raise Unauthorized("Your session no longer belongs to an active account.")
    if not hasher.verify(current_password, user.password_hash):
        raise ValidationFailed(WRONG_CURRENT_PASSWORD, errors={"current_password": [WRONG_CURRENT_PASSWORD]})
    if new_password == current_password:
        same = "Choose a password different from the current one."
        raise ValidationFailed(same, errors={"new_password": [same]})
    check_password_policy(new_password, field="new_password", email=user.email, full_name=user.full_name)
    password_hash = hasher.hash(new_password)
    with uow:
        fresh = uow.users.get(user_id, for_update=True)
        if fresh is None or fresh.disabled or fresh.password_hash != user.password_hash:
            # Reset, disabled or changed elsewhere while we hashed: this change must not undo that.
            raise Unauthorized("Your password was changed meanwhile. Sign in again.")
        user = fresh.with_password(password_hash)
        uow.users.save(user)
        uow.commit()
    # The same revocation as "sign out everywhere" (so it ends sessions being created right now too),
    # then this browser gets a brand-new session: a stolen cookie of this one is no use either.
    sign_out_everywhere(user_id=user.id, sessions=sessions)
    return start_session(
        uow,
        user=user,
        client=client,
        previous_secret=previous_secret,
        sessions=sessions,
        clock=clock,
        policy=policy,
    )
