"""Linking a provider identity (Google) to an existing account: only its signed-in owner, password re-entered.

A Google account that merely reports the same verified email never enters an existing account: the owner signs
in with the password, enters it again, and goes through the provider from that session. The link is mailed to
the owner and removed by a password reset or by disabling the account.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from auth_service.domain.id_token import ProviderIdentity
from auth_service.domain.mails import identity_linked_mail
from auth_service.domain.one_time_tokens import hash_token
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.sessions import Session
from auth_service.ports import (
    AttemptCounter,
    AuthUnitOfWork,
    IdentityLink,
    Mailer,
    PasswordHasher,
    PendingSignIn,
)
from hospital_shared.clock import Clock
from hospital_shared.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests

log = logging.getLogger(__name__)

ACCOUNT_PAGE_PATH = "/account"


@dataclass(frozen=True)
class LinkStart:
    user_id: uuid.UUID
    session: Session
    password: str


@dataclass(frozen=True)
class IdentityLinked:
    user_id: uuid.UUID
    issuer: str


class IdentityLinkFailed(Exception):
    """The link is refused; `code` is safe to show the browser, `reason` goes to the logs only."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def provider_name(issuer: str) -> str:
    host = urlsplit(issuer).hostname or issuer
    return "Google" if host == "accounts.google.com" else host


def _attempts_key(user_id: uuid.UUID) -> str:
    return "link-password:" + hashlib.sha256(str(user_id).encode("ascii")).hexdigest()


def password_digest(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()


def check_password_again(
    uow: AuthUnitOfWork,
    *,
    link: LinkStart,
    attempts: AttemptCounter,
    hasher: PasswordHasher,
    policy: AuthPolicy,
) -> str:
    """The signed-in user proves the password again; a stolen session alone cannot add a way in."""
    limit = policy.account_lockout
    key = _attempts_key(link.user_id)
    if attempts.state(key).failures >= limit.max_failures:
        raise TooManyRequests("Too many wrong passwords. Wait a few minutes, then try again.")
    with uow:
        user = uow.users.get(link.user_id)
    if user is None or user.disabled:
        raise Forbidden("This account cannot link another sign-in method.")
    if user.password_hash is None:
        raise Conflict(
            "This account has no password yet. Set one with 'Forgot password', then link Google.",
        )
    if not hasher.verify(link.password, user.password_hash):
        attempts.record_failure(key, window_seconds=int(limit.window.total_seconds()))
        raise BadRequest("The password is not right.", errors={"password": ["wrong password"]})
    attempts.clear(key)
    return password_digest(user.password_hash)


def pending_link(
    command: LinkStart, *, binding: str, nonce: str, code_verifier: str, password_digest: str
) -> PendingSignIn:
    """The state of a link: bound to this browser, this user, this very session and this password."""
    return PendingSignIn(
        nonce=nonce,
        code_verifier=code_verifier,
        browser_binding_hash=hash_token(binding),
        link_user_id=command.user_id,
        link_session_id=command.session.id,
        link_password_digest=password_digest,
    )


def finish_link(
    uow: AuthUnitOfWork,
    *,
    identity: ProviderIdentity,
    pending: PendingSignIn,
    session: Session | None,
    clock: Clock,
    mailer: Mailer,
    policy: AuthPolicy,
) -> IdentityLinked:
    """Link `identity` to the account of the session that started the link, and tell the owner by mail."""
    if session is None or session.id != pending.link_session_id or session.user_id != pending.link_user_id:
        raise IdentityLinkFailed("link_session_changed", "not finished by the session that began it")
    now = clock.now()
    with uow:
        user = uow.users.get(session.user_id, for_update=True)
        if user is None or user.disabled:
            raise IdentityLinkFailed("account_disabled", "the account is disabled or gone")
        # Under the row lock: a reset that committed while the browser was at the provider (its sessions
        # not deleted yet) has changed the hash; one that comes after this commit removes the link.
        if password_digest(user.password_hash) != pending.link_password_digest:
            raise IdentityLinkFailed(
                "password_changed", "the password was reset while the link was under way"
            )
        owner = uow.identities.user_id_for(identity.issuer, identity.subject)
        if owner is not None and owner != user.id:
            raise IdentityLinkFailed("identity_taken", "this provider user is linked to another account")
        if owner is None:
            uow.identities.link(
                issuer=identity.issuer,
                subject=identity.subject,
                user_id=user.id,
                email=identity.email,
                now=now,
            )
        uow.commit()
    if owner is None:
        mailer.send(
            identity_linked_mail(
                to=user.email,
                provider=provider_name(identity.issuer),
                account_link=policy.public_base_url.rstrip("/") + ACCOUNT_PAGE_PATH,
            )
        )
        log.info("identity linked", extra={"user_id": str(user.id), "issuer": identity.issuer})
    return IdentityLinked(user_id=user.id, issuer=identity.issuer)


def list_links(uow: AuthUnitOfWork, *, user_id: uuid.UUID) -> list[IdentityLink]:
    """The provider identities that can sign in to this account."""
    with uow:
        return uow.identities.for_user(user_id)


def remove_link(uow: AuthUnitOfWork, *, user_id: uuid.UUID, link_id: uuid.UUID) -> None:
    """Remove one of the account's links: that provider user can no longer sign in to it."""
    with uow:
        removed = uow.identities.remove(user_id, link_id)
        uow.commit()
    if not removed:
        raise NotFound("This account has no such linked sign-in.")
