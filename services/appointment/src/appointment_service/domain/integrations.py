"""Whom an integration (a partner's server calling with an API key) may act for.

Auth-MS records the key that registered a patient without a password (registered_by_key). An integration
books for, reads and changes the appointments of those patients only: a key's id is its caller id, so two
partners never see each other's patients, and a patient who signed up on their own is nobody's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class PatientAccount:
    """An Auth-MS account as far as an integration's request needs it. `role` None: Auth-MS did not say."""

    id: uuid.UUID
    role: str | None
    registered_by_key: uuid.UUID | None
    disabled: bool

    def may_be_acted_for_by(self, key_id: uuid.UUID) -> bool:
        """An enabled patient account that this API key registered."""
        return self.role == "patient" and not self.disabled and self.registered_by_key == key_id
