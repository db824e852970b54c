"""Auth-MS's accounts from its internal API (GET /internal/users/<id>/contact, with the internal token)."""

from __future__ import annotations

import uuid

import requests

from doctor_service.ports import Account, Accounts, AccountsUnavailable
from hospital_shared.identity import INTERNAL_TOKEN_HEADER


class AuthApiAccounts(Accounts):
    def __init__(
        self,
        base_url: str,
        *,
        internal_token: str,
        timeout_seconds: float,
        http: requests.Session | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token, "Accept": "application/json"}
        self._timeout = timeout_seconds
        self._http = http or requests.Session()

    def account(self, user_id: uuid.UUID) -> Account | None:
        url = f"{self._base_url}/internal/users/{user_id}/contact"
        try:
            response = self._http.get(url, headers=self._headers, timeout=self._timeout)
        except requests.RequestException as error:
            raise AccountsUnavailable(f"Auth-MS unreachable: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise AccountsUnavailable(f"Auth-MS answered {response.status_code}")
        try:
            body = response.json()
            role, disabled = body.get("role"), body.get("disabled", False)
        except (ValueError, AttributeError) as error:
            raise AccountsUnavailable(f"Auth-MS answered something unexpected: {error}") from error
        if (role is not None and not isinstance(role, str)) or not isinstance(disabled, bool):
            raise AccountsUnavailable("Auth-MS answered an unexpected role or disabled flag")
        return Account(id=user_id, role=role, disabled=disabled)
