"""Use cases of password accounts: register, sign in, verify an email, read one's own account."""

from __future__ import annotations

import hashlib
import uuid

from auth_service.domain.lockout import USUAL_NETWORK_MEMORY, LockoutPolicy
from auth_service.domain.mails import already_registered_mail, verify_email_mail
from auth_service.domain.one_time_tokens import TokenPurpose, hash_token
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.totp import MfaPolicy
from auth_service.domain.users import Role, User, normalize_email
from auth_service.ports import (
    AttemptCounter,
    AuthUnitOfWork,
    Mailer,
    MfaChallengeStore,
    PasswordHasher,
    RecipientMailLimit,
    SessionStore,
)
from auth_service.service_layer import mfa
from auth_service.service_layer.sessions import ClientInfo, SignedIn, start_session
from auth_service.service_layer.tokens import issue_token, may_mail
from hospital_shared.clock import Clock
from hospital_shared.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from hospital_shared.network import client_network

WRONG_CREDENTIALS = "The email or password is incorrect."
TOO_MANY_ATTEMPTS = "Too many failed sign-ins. Wait a little, then try again."


def register(
    uow: AuthUnitOfWork,
    *,
    email: str,
    password: str,
    full_name: str,
    client: ClientInfo,
    previous_secret: str | None,
    attempts: AttemptCounter,
    hasher: PasswordHasher,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
    mail_limits: RecipientMailLimit | None,
    mailer: Mailer,
) -> SignedIn:
    """Create a patient account and sign it in; mail a link to verify the address."""
    email = normalize_email(email)
    check_password_policy(password, email=email, full_name=full_name)
    address_key = address_attempts_key(client)
    _refuse_if_locked([address_key], attempts=attempts, clock=clock)
    # Hash before looking the email up, so a taken address answers in the same time as a free one.
    password_hash = hasher.hash(password)
    now = clock.now()
    with uow:
        if uow.users.by_email(email) is not None:
            # Probing for taken addresses counts like a failed sign-in of this client address.
            _count_failure(address_key, policy.address_lockout, attempts=attempts, clock=clock)
            _tell_owner_about_attempt(
                email, attempts=attempts, policy=policy, mail_limits=mail_limits, mailer=mailer
            )
            raise Conflict(
                "This email address cannot be used to register. "
                "If it is yours, sign in or reset your password.",
                errors={"email": ["cannot be used to register"]},
            )
        user = User.new(
            email=email, full_name=full_name, role=Role.PATIENT, now=now, password_hash=password_hash
        )
        uow.users.add(user)
        raw_token = issue_token(
            uow, policy=policy, user_id=user.id, purpose=TokenPurpose.EMAIL_VERIFY, now=now
        )
        uow.commit()
    if may_mail(email=email, mail_limits=mail_limits, policy=policy):
        # No name in it: the address is not proved yet, so the mail carries no text the registrant wrote.
        link = policy.token_link("/verify-email", raw_token)
        mailer.send(verify_email_mail(to=email, link=link))
    return start_session(
        uow,
        user=user,
        client=client,
        previous_secret=previous_secret,
        sessions=sessions,
        clock=clock,
        policy=policy,
    )


def _tell_owner_about_attempt(
    email: str,
    *,
    attempts: AttemptCounter,
    policy: AuthPolicy,
    mail_limits: RecipientMailLimit | None,
    mailer: Mailer,
) -> None:
    if attempts.first_within(
        mail_throttle_key("already-registered", email),
        seconds=int(policy.mail_resend_interval.total_seconds()),
    ) and may_mail(email=email, mail_limits=mail_limits, policy=policy):
        mailer.send(
            already_registered_mail(
                to=email, sign_in_link=policy.link("/login"), reset_link=policy.link("/forgot-password")
            )
        )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def account_attempts_key(email: str) -> str:
    """The failed-sign-in counter of an account (keyed by a digest: no addresses in Redis keys)."""
    return f"login:account:{_digest(normalize_email(email))}"


def address_attempts_key(client: ClientInfo) -> str:
    """The failed-sign-in counter of a client network (an IPv4 address or an IPv6 /64), across accounts."""
    return f"login:address:{client_network(client.ip_address) or 'unknown'}"


def account_network_attempts_key(email: str, client: ClientInfo, *, generation: int) -> str:
    """The counter that may hard-lock: this account from this client network only. It names the account's
    session generation, so a password reset (or any revocation) lifts the lock for the owner."""
    network = _digest(client_network(client.ip_address) or "unknown")
    return f"login:account-network:{_digest(normalize_email(email))}:{network}:{generation}"


def usual_network_key(email: str, client: ClientInfo) -> str:
    """Marks a network the account's owner signed in from (only digests: no addresses in Redis keys)."""
    network = _digest(client_network(client.ip_address) or "unknown")
    return f"login:usual:{_digest(normalize_email(email))}:{network}"


def mail_throttle_key(kind: str, email: str) -> str:
    return f"mail:{kind}:{_digest(normalize_email(email))}"


def _refuse_if_locked(keys: list[str], *, attempts: AttemptCounter, clock: Clock) -> None:
    now = clock.now()
    for key in keys:
        locked_until = attempts.state(key).locked_until
        if locked_until is not None and locked_until > now:
            retry_after = max(1, int((locked_until - now).total_seconds() + 0.999))
            raise TooManyRequests(TOO_MANY_ATTEMPTS, retry_after=retry_after)


def _count_failure(key: str, policy: LockoutPolicy, *, attempts: AttemptCounter, clock: Clock) -> None:
    window = int(policy.window.total_seconds())
    failures = attempts.record_failure(key, window_seconds=window)
    lock = policy.lock_after(failures)
    if lock:
        attempts.lock(key, until=clock.now() + lock, window_seconds=window)


def sign_in(
    uow: AuthUnitOfWork,
    *,
    email: str,
    password: str,
    client: ClientInfo,
    previous_secret: str | None,
    attempts: AttemptCounter,
    hasher: PasswordHasher,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
    mfa_challenges: MfaChallengeStore | None,
    mfa_policy: MfaPolicy,
) -> SignedIn | mfa.MfaChallengeIssued:
    """Check email and password (same answer and time for unknown emails) and start a session."""
    email = normalize_email(email)
    user, generation = _load_for_sign_in(uow, email, sessions=sessions)
    account_key = account_attempts_key(email)
    pair_key = account_network_attempts_key(email, client, generation=generation)
    address_key = address_attempts_key(client)
    # See domain/lockout.py: only the (account, network) lock applies on the owner's usual network.
    usual = attempts.remembers(usual_network_key(email, client))
    _refuse_if_locked(
        [pair_key] if usual else [pair_key, account_key, address_key], attempts=attempts, clock=clock
    )
    password_hash = user.password_hash if user is not None else None
    if not hasher.verify(password, password_hash) or user is None:
        _count_failure(pair_key, policy.account_lockout, attempts=attempts, clock=clock)
        _count_failure(account_key, policy.account_lockout, attempts=attempts, clock=clock)
        _count_failure(address_key, policy.address_lockout, attempts=attempts, clock=clock)
        raise Unauthorized(WRONG_CREDENTIALS)
    if user.disabled:
        raise Forbidden("This account is disabled. Contact the hospital's administrators.")
    attempts.clear(account_key)
    attempts.clear(pair_key)
    attempts.remember(usual_network_key(email, client), seconds=int(USUAL_NETWORK_MEMORY.total_seconds()))
    if user.password_hash and hasher.needs_rehash(user.password_hash):
        _upgrade_hash(uow, user, password, hasher=hasher)
    # Staff with a second factor (or who must enrol one) get a challenge instead of a session.
    challenge = mfa.challenge_after_password(
        uow, user=user, generation=generation, mfa_challenges=mfa_challenges, mfa_policy=mfa_policy
    )
    if challenge is not None:
        return challenge
    return start_session(
        uow,
        user=user,
        client=client,
        previous_secret=previous_secret,
        generation=generation,
        sessions=sessions,
        clock=clock,
        policy=policy,
    )


def _load_for_sign_in(uow: AuthUnitOfWork, email: str, *, sessions: SessionStore) -> tuple[User | None, int]:
    """The account and its session generation, the generation read first: a reset, disable or role change
    committed after that read counts the generation up, so a session started from this read is refused."""
    with uow:
        found = uow.users.by_email(email)
    # Unknown emails do the same reads (of an id nobody has), so they take the same time.
    user_id = found.id if found is not None else uuid.UUID(int=0)
    generation = sessions.generation(user_id)
    with uow:  # a fresh transaction: whatever was committed before the read above
        user = uow.users.get(user_id)
    return (user if found is not None else None), generation


def _upgrade_hash(uow: AuthUnitOfWork, user: User, password: str, *, hasher: PasswordHasher) -> None:
    with uow:
        fresh = uow.users.get(user.id)
        if fresh is not None and fresh.password_hash == user.password_hash:
            uow.users.save(fresh.with_password(hasher.hash(password)))
            uow.commit()


def my_account(uow: AuthUnitOfWork, *, user_id: uuid.UUID) -> User:
    """The signed-in user's own account."""
    with uow:
        user = uow.users.get(user_id)
    if user is None or user.disabled:
        raise Unauthorized("Your session no longer belongs to an active account.")
    return user


def verify_email(uow: AuthUnitOfWork, *, token: str, clock: Clock) -> User:
    """Mark the address verified with the single-use token mailed at registration."""
    now = clock.now()
    with uow:
        found = uow.tokens.by_hash_for_update(hash_token(token))
        if found is None or found.purpose is not TokenPurpose.EMAIL_VERIFY or not found.is_usable(now):
            raise BadRequest(
                "This verification link is invalid, already used or expired.",
                errors={"token": ["invalid, used or expired"]},
            )
        user = uow.users.get(found.user_id)
        if user is None:
            raise NotFound("The account of this link no longer exists.")
        uow.tokens.save(found.used(now))
        user = user.verified()
        uow.users.save(user)
        uow.commit()
    return user
