"""bcrypt password hashing, with a dummy hash so unknown accounts cost the same time as known ones."""

from __future__ import annotations

import re
import threading

import bcrypt

from auth_service.domain.passwords import fits_bcrypt
from auth_service.ports import PasswordHasher

_COST = re.compile(r"^\$2[aby]\$(\d{2})\$")


class BcryptPasswordHasher(PasswordHasher):
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self._dummy: bytes | None = None
        self._lock = threading.Lock()

    def _dummy_hash(self) -> bytes:
        with self._lock:
            if self._dummy is None:
                self._dummy = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(self.rounds))
            return self._dummy

    def hash(self, password: str) -> str:
        if not fits_bcrypt(password):
            raise ValueError("passwords longer than 72 bytes are refused before hashing")
        return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(self.rounds)).decode("ascii")

    def verify(self, password: str, password_hash: str | None) -> bool:
        encoded = password.encode("utf-8")
        if password_hash is None or not fits_bcrypt(password):
            # Same work as a real check; a >72-byte password can never be right (none is ever stored).
            bcrypt.checkpw(encoded[:72], self._dummy_hash())
            return False
        try:
            return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
        except ValueError:
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        match = _COST.match(password_hash)
        return match is None or int(match.group(1)) < self.rounds
