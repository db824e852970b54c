"""OpenID Connect ID tokens: parsing a compact JWS and the claim checks of OIDC Core 3.1.3.7, by hand.

The signature itself is checked by the provider adapter (against the provider's JWKS); everything here is
pure so every rule can be unit-tested without a network.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

ALLOWED_ALGORITHM = "RS256"


class IdTokenInvalid(Exception):
    """The ID token must not be trusted; the message says why (for logs, never for the browser)."""


def b64url_decode(part: str) -> bytes:
    if not part or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in part
    ):
        raise IdTokenInvalid("malformed base64url segment")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise IdTokenInvalid("malformed base64url segment") from error


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IdTokenInvalid(f"{what} is not JSON") from error
    if not isinstance(value, dict):
        raise IdTokenInvalid(f"{what} is not a JSON object")
    return value


@dataclass(frozen=True)
class SignedToken:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def parse_id_token(token: str) -> SignedToken:
    """Split a compact JWS and insist on RS256 before looking at any key (no `none`, no HS256 confusion)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise IdTokenInvalid("an ID token has three dot-separated parts")
    header = _json_object(parts[0], "JOSE header")
    if header.get("alg") != ALLOWED_ALGORITHM:
        raise IdTokenInvalid(f"alg {header.get('alg')!r} is not allowed; only RS256 is")
    if "crit" in header:
        raise IdTokenInvalid("critical header parameters are not supported")
    claims = _json_object(parts[1], "claims")
    signature = b64url_decode(parts[2])
    return SignedToken(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


@dataclass(frozen=True)
class Expectations:
    issuer: str
    client_id: str
    nonce: str
    now: datetime
    clock_skew: timedelta
    max_age: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the provider says signed in, once every check has passed."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str


def _numeric_date(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IdTokenInvalid(f"{name} is missing or not a number")
    return float(value)


def check_claims(claims: dict[str, Any], expected: Expectations) -> ProviderIdentity:
    """Every ID token check except the signature: iss, aud, azp, exp, iat, nonce, sub."""
    if claims.get("iss") != expected.issuer:
        raise IdTokenInvalid(f"iss {claims.get('iss')!r} is not the configured issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if expected.client_id not in audiences:
        raise IdTokenInvalid("aud does not contain our client id")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != expected.client_id:
        raise IdTokenInvalid("azp is not our client id")
    now = expected.now.timestamp()
    skew = expected.clock_skew.total_seconds()
    if now >= _numeric_date(claims, "exp") + skew:
        raise IdTokenInvalid("the ID token has expired")
    issued_at = _numeric_date(claims, "iat")
    if issued_at > now + skew:
        raise IdTokenInvalid("iat lies in the future")
    if issued_at < now - expected.max_age.total_seconds() - skew:
        raise IdTokenInvalid("the ID token was issued too long ago")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or nonce != expected.nonce:
        raise IdTokenInvalid("nonce does not match the one sent with this sign-in")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise IdTokenInvalid("sub is missing")
    email = claims.get("email")
    email_verified = claims.get("email_verified") in (True, "true")
    return ProviderIdentity(
        issuer=expected.issuer,
        subject=subject,
        email=email if isinstance(email, str) and "@" in email else None,
        email_verified=email_verified,
        name=str(claims.get("name") or "").strip()[:200],
    )
