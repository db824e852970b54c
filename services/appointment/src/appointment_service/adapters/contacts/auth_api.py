"""Patients' mail addresses from Auth-MS's internal API (GET /internal/users/<id>/contact)."""

from __future__ import annotations

import uuid

import requests

from appointment_service.domain.mails import Mailbox
from appointment_service.ports import ContactsUnavailable, PatientContacts, RecipientUnknown
from hospital_shared.identity import INTERNAL_TOKEN_HEADER


class AuthApiPatientContacts(PatientContacts):
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

    def contact_of(self, patient_id: uuid.UUID) -> Mailbox:
        url = f"{self._base_url}/internal/users/{patient_id}/contact"
        try:
            response = self._http.get(url, headers=self._headers, timeout=self._timeout)
        except requests.RequestException as error:
            raise ContactsUnavailable(f"Auth-MS unreachable: {error}") from error
        if response.status_code == 404:
            raise RecipientUnknown("Auth-MS knows no enabled account with this id")
        if response.status_code != 200:
            raise ContactsUnavailable(f"Auth-MS answered {response.status_code}")
        try:
            body = response.json()
            address, name = body["email"], body.get("full_name") or ""
        except (ValueError, KeyError, TypeError) as error:
            raise ContactsUnavailable(f"Auth-MS answered something unexpected: {error}") from error
        if body.get("disabled"):  # Auth-MS answers disabled accounts too (disabled=true): never mail them
            raise RecipientUnknown("the account is disabled")
        if not isinstance(address, str) or "@" not in address:
            raise RecipientUnknown("the account has no usable mail address")
        return Mailbox(address=address, name=str(name))
