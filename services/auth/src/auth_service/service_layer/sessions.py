"""Use cases around sessions: start one, recognise it on every request, list and end them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from auth_service.domain.policy import AuthPolicy
from auth_service.domain.request_guard import check_csrf, check_origin
from auth_service.domain.sessions import Session, new_session_secret
from auth_service.domain.users import User
from auth_service.ports import AuthUnitOfWork, SessionStore
from hospital_shared.clock import Clock
from hospital_shared.errors import NotFound, Unauthorized
from hospital_shared.paging import Page


@dataclass(frozen=True)
class ClientInfo:
    user_agent: str = ""
    ip_address: str = ""


@dataclass(frozen=True)
class SignedIn:
    user: User
    session: Session
    secret: str  # goes into the cookie, nowhere else


SIGN_IN_INTERRUPTED = (
    "The account's password, role or access changed while you were signing in. Sign in again."
)


def start_session(
    uow: AuthUnitOfWork,
    *,
    user: User,
    client: ClientInfo,
    previous_secret: str | None,
    generation: int | None = None,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
) -> SignedIn:
    """Sign `user` in with a brand-new session id (never reusing the caller's old one: no fixation).

    `generation` is the user's revocation count read before `user` was loaded and its password checked;
    if any revocation happened since, no session is created. None: read it now and load the account again
    after it, so a disable or role change that landed since the caller loaded `user` still refuses.
    """
    if previous_secret:
        sessions.delete(previous_secret)
    if generation is None:
        generation = sessions.generation(user.id)
        with uow:
            fresh = uow.users.get(user.id)
        if fresh is None or fresh.disabled or fresh.role is not user.role:
            raise Unauthorized(SIGN_IN_INTERRUPTED)
    session = Session.start(
        user_id=user.id,
        role=user.role,
        now=clock.now(),
        user_agent=client.user_agent,
        ip_address=client.ip_address,
        generation=generation,
    )
    secret = new_session_secret()
    if not sessions.add(secret, session, expires_at=session.expires_at(policy.sessions)):
        raise Unauthorized(SIGN_IN_INTERRUPTED)
    return SignedIn(user=user, session=session, secret=secret)


def current_session(
    *, secret: str | None, sessions: SessionStore, clock: Clock, policy: AuthPolicy
) -> Session | None:
    """The live session behind a cookie value, its idle timer restarted; None when absent or expired."""
    if not secret:
        return None
    now = clock.now()
    session = sessions.get_and_touch(secret, now=now, policy=policy.sessions)
    if session is None:
        return None
    if session.is_expired(now, policy.sessions):
        sessions.delete(secret)
        return None
    return session.seen(now)


def verify_request(
    *,
    session_secret: str | None,
    method: str,
    origin: str | None,
    sec_fetch_site: str | None,
    csrf_token: str | None,
    session_required: bool,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
) -> Session | None:
    """The gateway's question "who is this, and may they do this?": origin, session and CSRF checks.

    What it is asked about is what the gateway forwards of the browser's request in its auth_request
    subrequest: the session cookie, the method, Origin, Sec-Fetch-Site and the CSRF header.
    """
    check_origin(method=method, origin=origin, sec_fetch_site=sec_fetch_site, trusted=policy.trusted_origins)
    session = current_session(secret=session_secret, sessions=sessions, clock=clock, policy=policy)
    if session is None:
        if session_required:
            raise Unauthorized("Sign in to continue (no valid session).")
        return None
    check_csrf(method=method, expected=session.csrf_token, given=csrf_token)
    return session


def sign_out(*, secret: str | None, sessions: SessionStore) -> None:
    """End the caller's own session."""
    if secret:
        sessions.delete(secret)


def sign_out_everywhere(*, user_id: uuid.UUID, sessions: SessionStore) -> int:
    """End every session of the user, on every device, including one being signed in at this moment."""
    return sessions.delete_all_for_user(user_id)


def list_sessions(
    *,
    user_id: uuid.UUID,
    page: int = 1,
    page_size: int = 20,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
) -> Page[Session]:
    """One page of the user's live sessions, most recently used first."""
    now = clock.now()
    live = [s for s in sessions.for_user(user_id) if not s.is_expired(now, policy.sessions)]
    newest_first = sorted(live, key=lambda s: s.last_seen_at, reverse=True)
    return Page.of(newest_first, page=page, page_size=page_size)


def revoke_session(*, user_id: uuid.UUID, session_id: uuid.UUID, sessions: SessionStore) -> None:
    """End one of the user's own sessions (someone else's session id is simply not found)."""
    if not sessions.delete_by_id(user_id, session_id):
        raise NotFound("You have no session with this id.")
