"""Use cases of password accounts: register, sign in, verify an email, read one's own account."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from auth_service.domain.lockout import USUAL_NETWORK_MEMORY, LockoutPolicy
from auth_service.domain.mails import already_registered_mail, verify_email_mail
from auth_service.domain.one_time_tokens import TokenPurpose, hash_token
from auth_service.domain.passwords import check_password_policy
from auth_service.domain.users import Role, User, normalize_email
from auth_service.ports import AuthPorts
from auth_service.service_layer import mfa
from auth_service.service_layer.sessions import ClientInfo, SignedIn, start_session
from auth_service.service_layer.tokens import issue_token, may_mail
from hospital_shared.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from hospital_shared.network import client_network

WRONG_CREDENTIALS = "The email or password is incorrect."
TOO_MANY_ATTEMPTS = "Too many failed sign-ins. Wait a little, then try again."


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    full_name: str


def register(
    command: Registration, *, ports: AuthPorts, client: ClientInfo, previous_secret: str | None
) -> SignedIn:
    """Create a patient account and sign it in; mail a link to verify the address."""
    email = normalize_email(command.email)
    check_password_policy(command.password, email=email, full_name=command.full_name)
    address_key = address_attempts_key(client)
    _refuse_if_locked([address_key], ports=ports)
    # Hash before looking the email up, so a taken address answers in the same time as a free one.
    password_hash = ports.hasher.hash(command.password)
    now = ports.clock.now()
    with ports.uow() as uow:
        if uow.users.by_email(email) is not None:
            # Probing for taken addresses counts like a failed sign-in of this client address.
            _count_failure(address_key, ports.policy.address_lockout, ports=ports)
            _tell_owner_about_attempt(email, ports=ports)
            raise Conflict(
                "This email address cannot be used to register. "
                "If it is yours, sign in or reset your password.",
                errors={"email": ["cannot be used to register"]},
            )
        user = User.new(
            email=email, full_name=command.full_name, role=Role.PATIENT, now=now, password_hash=password_hash
        )
        uow.users.add(user)
        raw_token = issue_token(
            uow, ports.policy, user_id=user.id, purpose=TokenPurpose.EMAIL_VERIFY, now=now
        )
        uow.commit()
    if may_mail(email=email, mail_limits=ports.mail_limits, policy=ports.policy):
        # No name in it: the address is not proved yet, so the mail carries no text the registrant wrote.
        link = ports.policy.token_link("/verify-email", raw_token)
        ports.mailer.send(verify_email_mail(to=email, link=link))
    return start_session(
        ports.uow(),
        user=user,
        client=client,
        previous_secret=previous_secret,
        sessions=ports.sessions,
        clock=ports.clock,
        policy=ports.policy,
    )


def _tell_owner_about_attempt(email: str, *, ports: AuthPorts) -> None:
    if ports.attempts.first_within(
        mail_throttle_key("already-registered", email),
        seconds=int(ports.policy.mail_resend_interval.total_seconds()),
    ) and may_mail(email=email, mail_limits=ports.mail_limits, policy=ports.policy):
        ports.mailer.send(
            already_registered_mail(
                to=email,
                sign_in_link=ports.policy.link("/login"),
                reset_link=ports.policy.link("/forgot-password"),
            )
        )


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


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


def _refuse_if_locked(keys: list[str], *, ports: AuthPorts) -> None:
    now = ports.clock.now()
    for key in keys:
        locked_until = ports.attempts.state(key).locked_until
        if locked_until is not None and locked_until > now:
            retry_after = max(1, int((locked_until - now).total_seconds() + 0.999))
            raise TooManyRequests(TOO_MANY_ATTEMPTS, retry_after=retry_after)


def _count_failure(key: str, policy: LockoutPolicy, *, ports: AuthPorts) -> None:
    window = int(policy.window.total_seconds())
    failures = ports.attempts.record_failure(key, window_seconds=window)
    lock = policy.lock_after(failures)
    if lock:
        ports.attempts.lock(key, until=ports.clock.now() + lock, window_seconds=window)


def sign_in(
    command: Credentials, *, ports: AuthPorts, client: ClientInfo, previous_secret: str | None
) -> SignedIn | mfa.MfaChallengeIssued:
    """Check email and password (same answer and time for unknown emails) and start a session."""
    email = normalize_email(command.email)
    user, generation = _load_for_sign_in(email, ports=ports)
    account_key = account_attempts_key(email)
    pair_key = account_network_attempts_key(email, client, generation=generation)
    address_key = address_attempts_key(client)
    # See domain/lockout.py: only the (account, network) lock applies on the owner's usual network.
    usual = ports.attempts.remembers(usual_network_key(email, client))
    _refuse_if_locked([pair_key] if usual else [pair_key, account_key, address_key], ports=ports)
    password_hash = user.password_hash if user is not None else None
    if not ports.hasher.verify(command.password, password_hash) or user is None:
        _count_failure(pair_key, ports.policy.account_lockout, ports=ports)
        _count_failure(account_key, ports.policy.account_lockout, ports=ports)
        _count_failure(address_key, ports.policy.address_lockout, ports=ports)
        raise Unauthorized(WRONG_CREDENTIALS)
    if user.disabled:
        raise Forbidden("This account is disabled. Contact the hospital's administrators.")
    ports.attempts.clear(account_key)
    ports.attempts.clear(pair_key)
    ports.attempts.remember(
        usual_network_key(email, client), seconds=int(USUAL_NETWORK_MEMORY.total_seconds())
    )
    if user.password_hash and ports.hasher.needs_rehash(user.password_hash):
        _upgrade_hash(user, command.password, ports=ports)
    # Staff with a second factor (or who must enrol one) get a challenge instead of a session.
    challenge = mfa.challenge_after_password(user, ports=ports, generation=generation)
    if challenge is not None:
        return challenge
    return start_session(
        ports.uow(),
        user=user,
        client=client,
        previous_secret=previous_secret,
        generation=generation,
        sessions=ports.sessions,
        clock=ports.clock,
        policy=ports.policy,
    )


def _load_for_sign_in(email: str, *, ports: AuthPorts) -> tuple[User | None, int]:
    """The account and its session generation, the generation read first: a reset, disable or role change
    committed after that read counts the generation up, so a session started from this read is refused."""
    with ports.uow() as uow:
        found = uow.users.by_email(email)
    # Unknown emails do the same reads (of an id nobody has), so they take the same time.
    user_id = found.id if found is not None else uuid.UUID(int=0)
    generation = ports.sessions.generation(user_id)
    with ports.uow() as uow:  # a fresh unit of work: whatever was committed before the read above
        user = uow.users.get(user_id)
    return (user if found is not None else None), generation


def _upgrade_hash(user: User, password: str, *, ports: AuthPorts) -> None:
    with ports.uow() as uow:
        fresh = uow.users.get(user.id)
        if fresh is not None and fresh.password_hash == user.password_hash:
            uow.users.save(fresh.with_password(ports.hasher.hash(password)))
            uow.commit()


def my_account(user_id: uuid.UUID, *, ports: AuthPorts) -> User:
    """The signed-in user's own account."""
    with ports.uow() as uow:
        user = uow.users.get(user_id)
    if user is None or user.disabled:
        raise Unauthorized("Your session no longer belongs to an active account.")
    return user


def verify_email(raw_token: str, *, ports: AuthPorts) -> User:
    """Mark the address verified with the single-use token mailed at registration."""
    now = ports.clock.now()
    with ports.uow() as uow:
        token = uow.tokens.by_hash_for_update(hash_token(raw_token))
        if token is None or token.purpose is not TokenPurpose.EMAIL_VERIFY or not token.is_usable(now):
            raise BadRequest(
                "This verification link is invalid, already used or expired.",
                errors={"token": ["invalid, used or expired"]},
            )
        user = uow.users.get(token.user_id)
        if user is None:
            raise NotFound("The account of this link no longer exists.")
        uow.tokens.save(token.used(now))
        user = user.verified()
        uow.users.save(user)
        uow.commit()
    return user
