"""Fakes of the staff-MFA ports (no I/O), used by conftest's unit of work and ports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from auth_service.domain.totp import TotpAuthenticator
from auth_service.ports import MfaChallenge, MfaChallengeStore, MfaRepository


@dataclass
class _Code:
    user_id: uuid.UUID
    used_at: datetime | None = None


class FakeMfaRepository(MfaRepository):
    def __init__(self) -> None:
        self.authenticators: dict[uuid.UUID, TotpAuthenticator] = {}
        self.codes: dict[str, _Code] = {}

    def authenticator(self, user_id: uuid.UUID, *, for_update: bool = False) -> TotpAuthenticator | None:
        return self.authenticators.get(user_id)

    def save_authenticator(self, authenticator: TotpAuthenticator) -> None:
        self.authenticators[authenticator.user_id] = authenticator

    def remove_for_user(self, user_id: uuid.UUID) -> None:
        self.authenticators.pop(user_id, None)
        self.codes = {h: c for h, c in self.codes.items() if c.user_id != user_id}

    def replace_recovery_codes(self, user_id: uuid.UUID, code_hashes: list[str], *, now: datetime) -> None:
        self.codes = {h: c for h, c in self.codes.items() if c.user_id != user_id}
        self.codes.update({h: _Code(user_id=user_id) for h in code_hashes})

    def use_recovery_code(self, user_id: uuid.UUID, code_hash: str, *, now: datetime) -> bool:
        code = self.codes.get(code_hash)
        if code is None or code.user_id != user_id or code.used_at is not None:
            return False
        self.codes[code_hash] = replace(code, used_at=now)
        return True

    def recovery_codes_left(self, user_id: uuid.UUID) -> int:
        return sum(1 for c in self.codes.values() if c.user_id == user_id and c.used_at is None)


class FakeMfaChallengeStore(MfaChallengeStore):
    def __init__(self) -> None:
        self.challenges: dict[str, MfaChallenge] = {}
        self.failures: dict[str, int] = {}

    def put(self, token: str, challenge: MfaChallenge, *, ttl_seconds: int) -> None:
        self.challenges[token] = challenge
        self.failures[token] = 0

    def get(self, token: str) -> MfaChallenge | None:
        return self.challenges.get(token)

    def record_failure(self, token: str) -> int:
        self.failures[token] = self.failures.get(token, 0) + 1
        return self.failures[token]

    def take(self, token: str) -> bool:
        return self.challenges.pop(token, None) is not None
