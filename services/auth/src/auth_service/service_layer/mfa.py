"""Staff second factor: enrol an authenticator app (TOTP) with recovery codes, and finish sign-ins with it.

Sign-in of an enrolled account: the password answers a short-lived challenge (Redis, bound to the browser by
a cookie) instead of a session; `complete_sign_in` turns it into a session with a code or a recovery code.
With `staff_required`, staff without MFA get an "enrol" challenge: the only thing it allows is enrolling an
authenticator (`start_enrolment_for_challenge`) and confirming it with a first code, which signs them in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from auth_service.domain import recovery_codes, totp
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.totp import MfaPolicy, TotpAuthenticator
from auth_service.domain.users import STAFF_ROLES, Role, User
from auth_service.ports import (
    AttemptCounter,
    AuthUnitOfWork,
    MfaChallenge,
    MfaChallengeStore,
    PasswordHasher,
    SessionStore,
)
from auth_service.service_layer.sessions import ClientInfo, SignedIn, start_session
from hospital_shared.clock import Clock
from hospital_shared.errors import Conflict, Forbidden, TooManyRequests, Unauthorized

VERIFY = "verify"
ENROL = "enrol"
WRONG_CODE = (
    "This code is not right, or it was already used. "
    "Try the current code from your app, or another recovery code."
)
CHALLENGE_GONE = "This sign-in has expired or was ended. Sign in again with your password."
TOO_MANY_CODES = "Too many wrong codes. Wait a few minutes, then sign in again."


@dataclass(frozen=True)
class MfaChallengeIssued:
    """The password was right; the browser must now send a code (or enrol first, when `purpose` is enrol)."""

    user: User
    token: str  # sent in the answer's body
    binding: str  # goes into an HttpOnly cookie: the token works only in this browser
    purpose: str
    ttl_seconds: int


@dataclass(frozen=True)
class Enrolment:
    secret: str
    secret_grouped: str
    otpauth_uri: str


@dataclass(frozen=True)
class MfaStatus:
    enrolled: bool
    required: bool
    recovery_codes_left: int


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _store(mfa_challenges: MfaChallengeStore | None) -> MfaChallengeStore:
    if mfa_challenges is None:
        raise RuntimeError("no MFA challenge store is configured")
    return mfa_challenges


def is_enrolled(uow: AuthUnitOfWork, *, user_id: uuid.UUID) -> bool:
    with uow:
        authenticator = uow.mfa.authenticator(user_id)
    return authenticator is not None and authenticator.confirmed


def needs_reminder(uow: AuthUnitOfWork, *, user: User) -> bool:
    """An admin without a second factor is reminded on every sign-in (and on every Me)."""
    return user.role is Role.ADMIN and not is_enrolled(uow, user_id=user.id)


def second_factor_due(uow: AuthUnitOfWork, *, user: User, mfa_policy: MfaPolicy) -> bool:
    """Whether signing this account in needs a second factor: enrolled staff, or any staff while mandatory.

    A sign-in that cannot ask for a code (Google / OpenID) must refuse these accounts.
    """
    return user.role in STAFF_ROLES and (mfa_policy.staff_required or is_enrolled(uow, user_id=user.id))


def challenge_after_password(
    uow: AuthUnitOfWork,
    *,
    user: User,
    generation: int | None = None,
    mfa_challenges: MfaChallengeStore | None,
    mfa_policy: MfaPolicy,
) -> MfaChallengeIssued | None:
    """Called by sign-in once the password is right: a challenge when a second step is due, else None.

    `generation` is the revocation count read before the password check; the session started after the
    second step carries it, so a reset or disable in between leaves that sign-in with no session.
    """
    if user.role not in STAFF_ROLES:
        return None
    if is_enrolled(uow, user_id=user.id):
        purpose = VERIFY
    elif mfa_policy.staff_required:
        purpose = ENROL
    else:
        return None
    return _issue(user, purpose, generation=generation, challenges=_store(mfa_challenges), policy=mfa_policy)


def _issue(
    user: User, purpose: str, *, generation: int | None, challenges: MfaChallengeStore, policy: MfaPolicy
) -> MfaChallengeIssued:
    token, binding = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    ttl = policy.challenge_lifetime_seconds
    challenge = MfaChallenge(
        user_id=user.id, purpose=purpose, browser_binding_hash=_digest(binding), generation=generation
    )
    challenges.put(token, challenge, ttl_seconds=ttl)
    return MfaChallengeIssued(user=user, token=token, binding=binding, purpose=purpose, ttl_seconds=ttl)


def _account_key(user_id: uuid.UUID) -> str:
    return f"mfa:account:{user_id}"


def _refuse_if_account_throttled(user_id: uuid.UUID, *, attempts: AttemptCounter, policy: MfaPolicy) -> None:
    state = attempts.state(_account_key(user_id))
    if state.failures >= policy.max_failures_per_account:
        raise TooManyRequests(TOO_MANY_CODES, retry_after=policy.account_window_seconds)


def _open_challenge(token: str, binding: str | None, *, challenges: MfaChallengeStore) -> MfaChallenge:
    challenge = challenges.get(token) if token else None
    if challenge is None or not binding:
        raise Unauthorized(CHALLENGE_GONE)
    if not hmac.compare_digest(challenge.browser_binding_hash, _digest(binding)):
        raise Unauthorized(CHALLENGE_GONE)
    return challenge


def _wrong_code(
    token: str,
    user_id: uuid.UUID,
    *,
    attempts: AttemptCounter,
    challenges: MfaChallengeStore,
    policy: MfaPolicy,
) -> Unauthorized:
    attempts.record_failure(_account_key(user_id), window_seconds=policy.account_window_seconds)
    if challenges.record_failure(token) >= policy.max_failures_per_challenge:
        challenges.take(token)
        return Unauthorized(TOO_MANY_CODES, errors={"code": ["too many wrong codes"]})
    return Unauthorized(WRONG_CODE, errors={"code": ["wrong or already used"]})


def _check_second_factor(uow: AuthUnitOfWork, user_id: uuid.UUID, code: str, *, clock: Clock) -> bool:
    """A current TOTP code (each step once) or an unused recovery code (used up here)."""
    now = clock.now()
    with uow:
        authenticator = uow.mfa.authenticator(user_id, for_update=True)
        if authenticator is None or not authenticator.confirmed:
            return False
        if totp.looks_like_code(code):
            match = totp.match_code(
                authenticator.secret, code, at=now, last_used_step=authenticator.last_used_step
            )
            if match is None:
                return False
            uow.mfa.save_authenticator(authenticator.used_at_step(match.step))
            uow.commit()
            return True
        if recovery_codes.looks_like_recovery_code(code) and uow.mfa.use_recovery_code(
            user_id, recovery_codes.hash_code(code), now=now
        ):
            uow.commit()
            return True
    return False


def _live_user(uow: AuthUnitOfWork, user_id: uuid.UUID) -> User:
    with uow:
        user = uow.users.get(user_id)
    if user is None or user.disabled:
        raise Unauthorized(CHALLENGE_GONE)
    return user


@dataclass(frozen=True)
class SecondFactorDone:
    signed_in: SignedIn
    recovery_codes: list[str] | None  # only when this step finished a first enrolment


def complete_sign_in(
    uow: AuthUnitOfWork,
    *,
    token: str,
    code: str,
    binding: str | None,
    client: ClientInfo,
    previous_secret: str | None,
    attempts: AttemptCounter,
    mfa_challenges: MfaChallengeStore | None,
    mfa_policy: MfaPolicy,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
) -> SecondFactorDone:
    """Finish a password sign-in with the second factor and start the session."""
    challenges = _store(mfa_challenges)
    challenge = _open_challenge(token, binding, challenges=challenges)
    _refuse_if_account_throttled(challenge.user_id, attempts=attempts, policy=mfa_policy)
    user = _live_user(uow, challenge.user_id)
    codes: list[str] | None = None
    if challenge.purpose == ENROL:
        codes = _confirm(uow, user.id, code, clock=clock)
        if codes is None:
            raise _wrong_code(token, user.id, attempts=attempts, challenges=challenges, policy=mfa_policy)
    elif not _check_second_factor(uow, user.id, code, clock=clock):
        raise _wrong_code(token, user.id, attempts=attempts, challenges=challenges, policy=mfa_policy)
    if not challenges.take(token):
        raise Unauthorized(CHALLENGE_GONE)  # a parallel request finished it first
    attempts.clear(_account_key(user.id))
    signed_in = start_session(
        uow,
        user=user,
        client=client,
        previous_secret=previous_secret,
        generation=challenge.generation,
        sessions=sessions,
        clock=clock,
        policy=policy,
    )
    return SecondFactorDone(signed_in=signed_in, recovery_codes=codes)


def _require_staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise Forbidden("Two-step sign-in is for doctors' and administrators' accounts.")


def start_enrolment(
    uow: AuthUnitOfWork, *, user_id: uuid.UUID, clock: Clock, mfa_policy: MfaPolicy
) -> Enrolment:
    """Make a new secret for the signed-in staff member's authenticator app (unconfirmed until a code)."""
    user = _live_user(uow, user_id)
    _require_staff(user)
    secret = totp.new_secret()
    with uow:
        existing = uow.mfa.authenticator(user.id, for_update=True)
        if existing is not None and existing.confirmed:
            raise Conflict("Two-step sign-in is already on. Turn it off first to set up another app.")
        uow.mfa.save_authenticator(TotpAuthenticator(user_id=user.id, secret=secret, created_at=clock.now()))
        uow.commit()
    return Enrolment(
        secret=secret,
        secret_grouped=totp.grouped(secret),
        otpauth_uri=totp.provisioning_uri(secret, account=user.email, issuer=mfa_policy.issuer),
    )


def start_enrolment_for_challenge(
    uow: AuthUnitOfWork,
    *,
    token: str,
    binding: str | None,
    clock: Clock,
    mfa_challenges: MfaChallengeStore | None,
    mfa_policy: MfaPolicy,
) -> Enrolment:
    """With MFA mandatory: the only thing an "enrol" challenge allows before a session exists."""
    challenge = _open_challenge(token, binding, challenges=_store(mfa_challenges))
    if challenge.purpose != ENROL:
        raise Conflict("This account already has two-step sign-in: enter the code from your app.")
    return start_enrolment(uow, user_id=challenge.user_id, clock=clock, mfa_policy=mfa_policy)


def _confirm(uow: AuthUnitOfWork, user_id: uuid.UUID, code: str, *, clock: Clock) -> list[str] | None:
    """Check a new authenticator's first code; on success switch MFA on and return fresh recovery codes."""
    now = clock.now()
    with uow:
        authenticator = uow.mfa.authenticator(user_id, for_update=True)
        if authenticator is None or authenticator.confirmed:
            return None
        match = totp.match_code(authenticator.secret, code, at=now, last_used_step=None)
        if match is None:
            return None
        codes = recovery_codes.new_codes()
        uow.mfa.save_authenticator(authenticator.confirm(now=now, step=match.step))
        uow.mfa.replace_recovery_codes(user_id, [recovery_codes.hash_code(c) for c in codes], now=now)
        uow.commit()
    return codes


def confirm_enrolment(uow: AuthUnitOfWork, *, user_id: uuid.UUID, code: str, clock: Clock) -> list[str]:
    """Switch two-step sign-in on with a first code from the app; the recovery codes are shown only now."""
    _require_staff(_live_user(uow, user_id))
    codes = _confirm(uow, user_id, code, clock=clock)
    if codes is None:
        raise Unauthorized(
            "This code does not match the new secret. Check the app's clock and try the current code.",
            errors={"code": ["does not match"]},
        )
    return codes


def disable(
    uow: AuthUnitOfWork, *, user_id: uuid.UUID, password: str, hasher: PasswordHasher, mfa_policy: MfaPolicy
) -> None:
    """Turn two-step sign-in off after the password is entered again (refused while it is mandatory)."""
    user = _live_user(uow, user_id)
    if user.role in STAFF_ROLES and mfa_policy.staff_required:
        raise Forbidden("Two-step sign-in is mandatory for staff here; it cannot be turned off.")
    if not hasher.verify(password, user.password_hash):
        raise Unauthorized("The password is incorrect.", errors={"password": ["incorrect"]})
    with uow:
        uow.mfa.remove_for_user(user_id)
        uow.commit()


def status(uow: AuthUnitOfWork, *, user: User, mfa_policy: MfaPolicy) -> MfaStatus:
    """Whether the account has two-step sign-in, whether it must, and how many recovery codes are left."""
    with uow:
        authenticator = uow.mfa.authenticator(user.id)
        left = uow.mfa.recovery_codes_left(user.id)
    enrolled = authenticator is not None and authenticator.confirmed
    return MfaStatus(
        enrolled=enrolled,
        required=user.role in STAFF_ROLES and mfa_policy.staff_required,
        recovery_codes_left=left if enrolled else 0,
    )
