"""Google (any OpenID provider) sign-in: authorization code flow with state, PKCE S256 and nonce, by hand."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from auth_service.domain.id_token import (
    Expectations,
    IdTokenInvalid,
    ProviderIdentity,
    b64url_encode,
    check_claims,
    parse_id_token,
)
from auth_service.domain.one_time_tokens import hash_token
from auth_service.domain.policy import AuthPolicy
from auth_service.domain.totp import MfaPolicy
from auth_service.domain.users import Role, User
from auth_service.ports import (
    AttemptCounter,
    AuthUnitOfWork,
    Mailer,
    OpenIdProvider,
    OpenIdProviderError,
    PasswordHasher,
    PendingSignIn,
    PendingSignInStore,
    SessionStore,
)
from auth_service.service_layer import mfa
from auth_service.service_layer.identity_links import (
    IdentityLinked,
    IdentityLinkFailed,
    LinkStart,
    check_password_again,
    finish_link,
    pending_link,
)
from auth_service.service_layer.sessions import ClientInfo, SignedIn, current_session, start_session
from hospital_shared.clock import Clock
from hospital_shared.errors import NotFound

log = logging.getLogger(__name__)


class OpenIdSignInFailed(Exception):
    """The sign-in is refused; `code` is safe to show the browser, `reason` goes to the logs only."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class SignInStart:
    authorization_url: str
    browser_binding: str  # set as a short-lived cookie: only the browser that started may finish


def pkce_challenge(code_verifier: str) -> str:
    return b64url_encode(hashlib.sha256(code_verifier.encode("ascii")).digest())


def _provider(openid: OpenIdProvider | None) -> OpenIdProvider:
    if openid is None:
        raise NotFound("Sign-in with Google is not configured on this server.")
    return openid


def start_openid_sign_in(
    uow: AuthUnitOfWork,
    *,
    state_ttl_seconds: int,
    link: LinkStart | None = None,
    openid: OpenIdProvider | None,
    pending_sign_ins: PendingSignInStore,
    attempts: AttemptCounter,
    hasher: PasswordHasher,
    policy: AuthPolicy,
) -> SignInStart:
    """Remember a fresh state, nonce and PKCE verifier, and send the browser to the provider.

    With `link`, the signed-in user links the provider identity to their account instead (password checked
    here, the state bound to that user and session).
    """
    provider = _provider(openid)
    digest = (
        check_password_again(uow, link=link, attempts=attempts, hasher=hasher, policy=policy)
        if link is not None
        else ""
    )
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(48)  # 64 characters, within PKCE's 43..128
    binding = secrets.token_urlsafe(32)
    if link is None:
        pending = PendingSignIn(
            nonce=nonce, code_verifier=code_verifier, browser_binding_hash=hash_token(binding)
        )
    else:
        pending = pending_link(
            link, binding=binding, nonce=nonce, code_verifier=code_verifier, password_digest=digest
        )
    pending_sign_ins.put(state, pending, ttl_seconds=state_ttl_seconds)
    url = provider.authorization_url(
        {
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
    )
    return SignInStart(authorization_url=url, browser_binding=binding)


@dataclass(frozen=True)
class OpenIdCallback:
    state: str | None
    code: str | None
    error: str | None
    browser_binding: str | None
    issuer: str | None = None  # RFC 9207 `iss` of the authorization response, when the provider sends it


def _take_pending(callback: OpenIdCallback, pending_sign_ins: PendingSignInStore) -> PendingSignIn:
    if not callback.state:
        raise OpenIdSignInFailed("state_invalid", "the callback carries no state")
    pending = pending_sign_ins.pop(callback.state)
    if pending is None:
        raise OpenIdSignInFailed("state_invalid", "unknown, expired or already used state")
    binding_hash = hash_token(callback.browser_binding or "")
    if not hmac.compare_digest(binding_hash, pending.browser_binding_hash):
        raise OpenIdSignInFailed("state_invalid", "the state was started by another browser")
    return pending


def _verified_identity(
    provider: OpenIdProvider, pending: PendingSignIn, code: str, clock: Clock
) -> ProviderIdentity:
    try:
        raw_id_token = provider.exchange_code(code=code, code_verifier=pending.code_verifier)
    except OpenIdProviderError as error:
        raise OpenIdSignInFailed("token_exchange_failed", str(error)) from error
    try:
        token = parse_id_token(raw_id_token)
        provider.verify_signature(token)
        return _check(token.claims, provider, pending, clock)
    except IdTokenInvalid as error:
        raise OpenIdSignInFailed("id_token_invalid", str(error)) from error


def _check(claims: dict, provider: OpenIdProvider, pending: PendingSignIn, clock: Clock) -> ProviderIdentity:
    return check_claims(
        claims,
        Expectations(
            issuer=provider.issuer,
            client_id=provider.client_id,
            nonce=pending.nonce,
            now=clock.now(),
            clock_skew=provider.clock_skew,
        ),
    )


def _account_for(uow: AuthUnitOfWork, identity: ProviderIdentity, *, clock: Clock) -> User:
    """The local account of this provider user: linked before by its owner, or created now (a patient)."""
    now = clock.now()
    with uow:
        linked_id = uow.identities.user_id_for(identity.issuer, identity.subject)
        if linked_id is not None:
            user = uow.users.get(linked_id)
            if user is None or user.disabled:
                raise OpenIdSignInFailed("account_disabled", "the linked account is disabled or gone")
            return user
        if identity.email is None or not identity.email_verified:
            raise OpenIdSignInFailed("email_not_verified", "the provider did not vouch for an email address")
        existing = uow.users.by_email(identity.email)
        if existing is not None:
            if not existing.email_verified or existing.disabled:
                raise OpenIdSignInFailed(
                    "account_conflict", "an unverified or disabled account has this email"
                )
            # A provider vouching for the address is not the owner's consent: whoever controls that
            # provider account (or the provider) would enter a doctor's or admin's account for good.
            # Only the owner links, from a signed-in session (identity_links).
            raise OpenIdSignInFailed(
                "link_required", f"an existing {existing.role.value} account has this email and no link"
            )
        user = User.new(
            email=identity.email,
            full_name=identity.name or identity.email.split("@")[0],
            role=Role.PATIENT,
            now=now,
            email_verified=True,
        )
        uow.users.add(user)
        uow.identities.link(
            issuer=identity.issuer, subject=identity.subject, user_id=user.id, email=identity.email, now=now
        )
        uow.commit()
    return user


def finish_openid_sign_in(
    uow: AuthUnitOfWork,
    *,
    callback: OpenIdCallback,
    client: ClientInfo,
    previous_secret: str | None,
    openid: OpenIdProvider | None,
    pending_sign_ins: PendingSignInStore,
    sessions: SessionStore,
    clock: Clock,
    policy: AuthPolicy,
    mfa_policy: MfaPolicy,
    mailer: Mailer,
) -> SignedIn | IdentityLinked:
    """Check the provider's answer end to end and sign the user in (or finish a link); any doubt refuses."""
    pending = _take_pending(callback, pending_sign_ins)
    provider = _provider(openid)
    if pending.link_user_id is None:
        identity = _checked_answer(callback, pending, provider, clock)
        user = _account_for(uow, identity, clock=clock)
        if mfa.second_factor_due(uow, user=user, mfa_policy=mfa_policy):
            # This redirect cannot ask for a code: a linked doctor or admin with MFA signs in with it instead.
            raise OpenIdSignInFailed("mfa_required", "a staff account with a second factor due")
        return start_session(
            uow,
            user=user,
            client=client,
            previous_secret=previous_secret,
            sessions=sessions,
            clock=clock,
            policy=policy,
        )
    try:
        identity = _checked_answer(callback, pending, provider, clock)
    except OpenIdSignInFailed as failure:
        raise IdentityLinkFailed(failure.code, failure.reason) from failure
    session = current_session(secret=previous_secret, sessions=sessions, clock=clock, policy=policy)
    return finish_link(
        uow, identity=identity, pending=pending, session=session, clock=clock, mailer=mailer, policy=policy
    )


def _checked_answer(
    callback: OpenIdCallback, pending: PendingSignIn, provider: OpenIdProvider, clock: Clock
) -> ProviderIdentity:
    if callback.issuer is not None and callback.issuer != provider.issuer:
        raise OpenIdSignInFailed("issuer_mismatch", "the authorization response names another issuer")
    if callback.error:
        raise OpenIdSignInFailed("provider_refused", f"the provider answered error={callback.error[:100]}")
    if not callback.code:
        raise OpenIdSignInFailed("code_missing", "the callback carries no code")
    return _verified_identity(provider, pending, callback.code, clock)
