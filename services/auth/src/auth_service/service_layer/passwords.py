"""Use cases for passwords: mail a single-use link for a forgotten one, set a new one with it, and change
one's own password while signed in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from auth_service.domain.mails import password_reset_mail
from auth_service.domain.one_time_tokens import PASSWORD_PURPOSES, TokenPurpose, hash_token
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.users import normalize_email
from auth_service.ports import AuthPorts
from auth_service.service_layer.accounts import account_attempts_key, mail_throttle_key
from auth_service.service_layer.sessions import ClientInfo, SignedIn, sign_out_everywhere, start_session
from auth_service.service_layer.tokens import issue_token, may_mail
from hospital_shared.errors import BadRequest, Unauthorized, ValidationFailed

WRONG_CURRENT_PASSWORD = "The current password is incorrect."  # noqa: S105 - a message


def request_password_reset(email: str, *, ports: AuthPorts) -> None:
    """Mail a reset link if the account exists; the caller learns nothing either way."""
    email = normalize_email(email)
    now = ports.clock.now()
    lifetime = ports.policy.token_lifetime(TokenPurpose.PASSWORD_RESET)
    with ports.uow() as uow:
        user = uow.users.by_email(email)
        if user is None or user.disabled:
            return
        if not ports.attempts.first_within(
            mail_throttle_key("password-reset", email),
            seconds=int(ports.policy.mail_resend_interval.total_seconds()),
        ):
            return
        if not may_mail(email, ports=ports):
            return
        raw_token = issue_token(
            uow, ports.policy, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, now=now
        )
        uow.commit()
    ports.mailer.send(
        password_reset_mail(
            to=user.email,
            link=ports.policy.token_link("/reset-password", raw_token),
            minutes=int(lifetime.total_seconds() // 60),
        )
    )


@dataclass(frozen=True)
class PasswordReset:
    token: str
    new_password: str


def _invalid_link() -> BadRequest:
    return BadRequest(
        "This password link is invalid, already used or expired. Ask for a new one.",
        errors={"token": ["invalid, used or expired"]},
    )


def reset_password(command: PasswordReset, *, ports: AuthPorts) -> None:
    """Set a new password with a mailed token (reset or first password); every session of the user ends."""
    check_password_policy(command.new_password, field="new_password")
    now = ports.clock.now()
    with ports.uow() as uow:
        token = uow.tokens.by_hash_for_update(hash_token(command.token))
        if token is None or token.purpose not in PASSWORD_PURPOSES or not token.is_usable(now):
            raise _invalid_link()
        user = uow.users.get(token.user_id)
        if user is None:
            raise BadRequest(
                "The account of this link no longer exists.", errors={"token": ["unknown account"]}
            )
        # Checked here, where the account is known; the token stays unused when the password is refused.
        check_password_policy(
            command.new_password, field="new_password", email=user.email, full_name=user.full_name
        )
        password_hash = ports.hasher.hash(command.new_password)
        uow.tokens.save(token.used(now))
        uow.tokens.expire_unused(user.id, PASSWORD_PURPOSES, now)
        # Whoever opened the mailed link controls the mailbox: the address is verified from now on.
        uow.users.save(user.with_password(password_hash).verified())
        uow.identities.remove_all_for_user(user.id)  # a Google link may be how the account was taken
        uow.commit()
    ports.sessions.delete_all_for_user(user.id)
    ports.attempts.clear(account_attempts_key(user.email))


@dataclass(frozen=True)
class PasswordChange:
    user_id: uuid.UUID
    current_password: str
    new_password: str


def change_password(
    command: PasswordChange, *, ports: AuthPorts, client: ClientInfo, previous_secret: str | None
) -> SignedIn:
    """Change one's own password with the current one; every other session ends, this browser stays in."""
    with ports.uow() as uow:
        user = uow.users.get(command.user_id)
    if user is None or user.disabled:
        raise Unauthorized("Your session no longer belongs to an active account.")
    if not ports.hasher.verify(command.current_password, user.password_hash):
        raise ValidationFailed(WRONG_CURRENT_PASSWORD, errors={"current_password": [WRONG_CURRENT_PASSWORD]})
    if command.new_password == command.current_password:
        same = "Choose a password different from the current one."
        raise ValidationFailed(same, errors={"new_password": [same]})
    check_password_policy(
        command.new_password, field="new_password", email=user.email, full_name=user.full_name
    )
    password_hash = ports.hasher.hash(command.new_password)
    with ports.uow() as uow:
        fresh = uow.users.get(command.user_id, for_update=True)
        if fresh is None or fresh.disabled or fresh.password_hash != user.password_hash:
            # Reset, disabled or changed elsewhere while we hashed: this change must not undo that.
            raise Unauthorized("Your password was changed meanwhile. Sign in again.")
        user = fresh.with_password(password_hash)
        uow.users.save(user)
        uow.commit()
    # The same revocation as "sign out everywhere" (so it ends sessions being created right now too),
    # then this browser gets a brand-new session: a stolen cookie of this one is no use either.
    sign_out_everywhere(user_id=user.id, sessions=ports.sessions)
    return start_session(
        ports.uow(),
        user=user,
        client=client,
        previous_secret=previous_secret,
        sessions=ports.sessions,
        clock=ports.clock,
        policy=ports.policy,
    )
