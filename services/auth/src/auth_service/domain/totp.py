"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): SHA-1, 6 digits, 30-second steps.

Written with the standard library so any authenticator app (which all default to these parameters) works.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
# One step either side: the phone's clock may be a little off, and a code typed at :29 arrives at :31.
WINDOW_STEPS = 1
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA-1 block the RFC recommends


def new_secret() -> str:
    """A random shared secret, base32 without padding (the form authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226: HMAC of the 8-byte counter, dynamically truncated to `digits` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    (value,) = struct.unpack(">I", mac[offset : offset + 4])
    return str((value & 0x7FFFFFFF) % 10**digits).zfill(digits)


def time_step(at: datetime) -> int:
    """The RFC 6238 counter T = floor(unix time / 30)."""
    return int(at.timestamp()) // STEP_SECONDS


def code_at(secret_b32: str, at: datetime) -> str:
    return hotp(_key(secret_b32), time_step(at))


def grouped(secret_b32: str) -> str:
    """The secret in groups of four for typing it into an app by hand."""
    return " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4))


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI (Key Uri Format) that authenticator apps import, as text or QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode(
        {
            "secret": secret_b32,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def looks_like_code(raw: str) -> bool:
    candidate = raw.replace(" ", "")
    return len(candidate) == DIGITS and candidate.isascii() and candidate.isdigit()


@dataclass(frozen=True)
class TotpMatch:
    step: int


def match_code(secret_b32: str, code: str, *, at: datetime, last_used_step: int | None) -> TotpMatch | None:
    """The step `code` belongs to, within ±1 step of `at`; None when wrong or already used (replay).

    A step at or before `last_used_step` is refused, so a code seen over a shoulder cannot be used again.
    """
    candidate = code.replace(" ", "")
    if not looks_like_code(candidate):
        return None
    key = _key(secret_b32)
    now_step = time_step(at)
    found: int | None = None
    # Compare against every step in the window (no early exit), each in constant time.
    for step in range(now_step - WINDOW_STEPS, now_step + WINDOW_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), candidate) and found is None:
            found = step
    if found is None or (last_used_step is not None and found <= last_used_step):
        return None
    return TotpMatch(step=found)


@dataclass(frozen=True)
class TotpAuthenticator:
    """A staff member's authenticator app: unconfirmed until its first code is checked."""

    user_id: uuid.UUID
    secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_step: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def used_at_step(self, step: int) -> TotpAuthenticator:
        return replace(self, last_used_step=step)

    def confirm(self, *, now: datetime, step: int) -> TotpAuthenticator:
        return replace(self, confirmed_at=now, last_used_step=step)


@dataclass(frozen=True)
class MfaPolicy:
    """The knobs of the staff second factor (from the settings in bootstrap)."""

    staff_required: bool = False
    challenge_lifetime_seconds: int = 5 * 60
    max_failures_per_challenge: int = 5
    max_failures_per_account: int = 10
    account_window_seconds: int = 15 * 60
    issuer: str = "Hospital"
