"""Recovery codes: single-use codes shown once at enrolment, for a lost phone. Stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

COUNT = 10
# No 0/O, 1/I/L: codes are read off paper and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 5


def new_codes(count: int = COUNT) -> list[str]:
    """`count` random codes such as `K7M2Q-9XRTA` (50 bits each)."""
    return [
        "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(2))
        for _ in range(count)
    ]


def normalize(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def looks_like_recovery_code(raw: str) -> bool:
    cleaned = normalize(raw)
    return len(cleaned) == 2 * GROUP and all(ch in ALPHABET for ch in cleaned)


def hash_code(raw: str) -> str:
    """SHA-256 of the normalized code: 50 random bits need no slow hash, and lookup stays exact."""
    return hashlib.sha256(normalize(raw).encode("ascii")).hexdigest()
