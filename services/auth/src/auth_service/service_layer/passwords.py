"""Use cases for forgotten passwords: mail a single-use link, then set a new password with it."""

from __future__ import annotations

from dataclasses import dataclass

from auth_service.domain.mails import password_reset_mail
from auth_service.domain.one_time_tokens import PASSWORD_PURPOSES, TokenPurpose, hash_token
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.users import normalize_email
from auth_service.ports import AuthPorts
from auth_service.service_layer.accounts import account_attempts_key, mail_throttle_key
from auth_service.service_layer.tokens import issue_token
from hospital_shared.errors import BadRequest


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
        raw_token = issue_token(
            uow, ports.policy, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, now=now
        )
        uow.commit()
    ports.mailer.send(
        password_reset_mail(
            to=user.email,
            link=ports.policy.link(f"/reset-password?token={raw_token}"),
            minutes=int(lifetime.total_seconds() // 60),
        )
    )


@dataclass(frozen=True)
class PasswordReset:
    token: str
    new_password: str


def reset_password(command: PasswordReset, *, ports: AuthPorts) -> None:
    """Set a new password with a mailed token (reset or first password); every session of the user ends."""
    check_password_policy(command.new_password, field="new_password")
    password_hash = ports.hasher.hash(command.new_password)
    now = ports.clock.now()
    with ports.uow() as uow:
        token = uow.tokens.by_hash_for_update(hash_token(command.token))
        if token is None or token.purpose not in PASSWORD_PURPOSES or not token.is_usable(now):
            raise BadRequest(
                "This password link is invalid, already used or expired. Ask for a new one.",
                errors={"token": ["invalid, used or expired"]},
            )
        user = uow.users.get(token.user_id)
        if user is None:
            raise BadRequest(
                "The account of this link no longer exists.", errors={"token": ["unknown account"]}
            )
        uow.tokens.save(token.used(now))
        uow.tokens.expire_unused(user.id, PASSWORD_PURPOSES, now)
        # Whoever opened the mailed link controls the mailbox: the address is verified from now on.
        uow.users.save(user.with_password(password_hash).verified())
        uow.identities.remove_all_for_user(user.id)  # a Google link may be how the account was taken
        uow.commit()
    ports.sessions.delete_all_for_user(user.id)
    ports.attempts.clear(account_attempts_key(user.email))
