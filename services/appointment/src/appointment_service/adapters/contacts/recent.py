"""Auth-MS's answers about accounts, kept a few seconds in this process for integrations' reads.

Only reads use it (bootstrap wires writes to Auth-MS directly): a disabled account can never book, cancel
or reschedule on a kept answer, and an integration reads its patient's appointments at most `ttl_seconds`
after the account was disabled. Failures and unknown accounts are never kept.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from appointment_service.domain.integrations import PatientAccount
from appointment_service.ports import PatientAccounts


class RecentPatientAccounts(PatientAccounts):
    def __init__(
        self,
        accounts: PatientAccounts,
        *,
        ttl_seconds: float,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = accounts
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._kept: OrderedDict[uuid.UUID, tuple[float, PatientAccount]] = OrderedDict()
        self._lock = threading.Lock()

    def account_of(self, user_id: uuid.UUID) -> PatientAccount | None:
        now = self._monotonic()
        with self._lock:
            kept = self._kept.get(user_id)
            if kept is not None and now - kept[0] < self._ttl:
                return kept[1]
        account = self._accounts.account_of(user_id)
        if account is not None and self._ttl > 0:
            with self._lock:
                self._kept[user_id] = (now, account)
                self._kept.move_to_end(user_id)
                while len(self._kept) > self._max_entries:
                    self._kept.popitem(last=False)
        return account
