"""Auth-MS's internal API (GET /internal/users/<id>/contact, with the internal token): patients' mail
addresses for the mail relay, and who registered an account for integrations' requests."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from appointment_service.domain.integrations import PatientAccount
from appointment_service.domain.mails import Mailbox
from appointment_service.ports import (
    AccountsUnavailable,
    ContactsUnavailable,
    PatientAccounts,
    PatientContacts,
    RecipientUnknown,
)
from hospital_shared.identity import INTERNAL_TOKEN_HEADER


class _AuthInternalApi:
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

    def _contact(self, user_id: uuid.UUID, *, unavailable: type[Exception]) -> dict[str, Any] | None:
        """Auth-MS's answer about the account, None for a 404; `unavailable` when it cannot tell."""
        url = f"{self._base_url}/internal/users/{user_id}/contact"
        try:
            response = self._http.get(url, headers=self._headers, timeout=self._timeout)
        except requests.RequestException as error:
            raise unavailable(f"Auth-MS unreachable: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise unavailable(f"Auth-MS answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise unavailable(f"Auth-MS answered something unexpected: {error}") from error
        if not isinstance(body, dict):
            raise unavailable("Auth-MS answered something unexpected: not an object")
        return body


class AuthApiPatientContacts(_AuthInternalApi, PatientContacts):
    def contact_of(self, patient_id: uuid.UUID) -> Mailbox:
        body = self._contact(patient_id, unavailable=ContactsUnavailable)
        if body is None:
            raise RecipientUnknown("Auth-MS knows no enabled account with this id")
        try:
            address, name = body["email"], body.get("full_name") or ""
        except KeyError as error:
            raise ContactsUnavailable(f"Auth-MS answered something unexpected: {error}") from error
        if body.get("disabled"):  # Auth-MS answers disabled accounts too (disabled=true): never mail them
            raise RecipientUnknown("the account is disabled")
        if not isinstance(address, str) or "@" not in address:
            raise RecipientUnknown("the account has no usable mail address")
        return Mailbox(address=address, name=str(name))


class AuthApiPatientAccounts(_AuthInternalApi, PatientAccounts):
    def account_of(self, user_id: uuid.UUID) -> PatientAccount | None:
        body = self._contact(user_id, unavailable=AccountsUnavailable)
        if body is None:
            return None
        role, disabled, registered_by = body.get("role"), body.get("disabled"), body.get("registered_by_key")
        if (role is not None and not isinstance(role, str)) or not isinstance(disabled, bool):
            raise AccountsUnavailable("Auth-MS answered an unexpected role or disabled flag")
        try:
            key_id = uuid.UUID(registered_by) if registered_by is not None else None
        except (TypeError, ValueError, AttributeError) as error:
            raise AccountsUnavailable(f"Auth-MS answered an unexpected registered_by_key: {error}") from error
        return PatientAccount(id=user_id, role=role, registered_by_key=key_id, disabled=disabled)
