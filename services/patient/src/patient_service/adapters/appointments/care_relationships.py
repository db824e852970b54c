"""Who treats whom, asked of Appointment-MS's internal API (GET /internal/relationships)."""

from __future__ import annotations

import logging
import threading
import uuid

import requests

from hospital_shared.errors import ServiceUnavailable
from hospital_shared.identity import INTERNAL_TOKEN_HEADER
from hospital_shared.logging_setup import request_id_var
from patient_service.ports import CareRelationships

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Whether you may see this profile cannot be checked right now; try again in a few seconds.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class HttpCareRelationships(CareRelationships):
    """204 from Appointment-MS: there is such an appointment; 404: there is none; anything else: unknown."""

    def __init__(
        self,
        base_url: str,
        *,
        internal_token: str,
        timeout_seconds: float,
    ) -> None:
        self._url = base_url.rstrip("/") + "/internal/relationships"
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token}
        self._timeout = timeout_seconds
        self._local = threading.local()

    @property
    def _http(self) -> requests.Session:
        """One keep-alive session per request thread (a requests.Session is not meant to be shared)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def doctor_treats(self, doctor_user_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
        params = {"doctor_user_id": str(doctor_user_id), "patient_id": str(patient_id)}
        # The same request id in both services' logs.
        headers = {**self._headers, "X-Request-ID": request_id_var.get() or ""}
        try:
            response = self._http.get(self._url, params=params, headers=headers, timeout=self._timeout)
        except requests.RequestException as error:
            log.warning("Appointment-MS unreachable", extra={"error": str(error)[:200]})
            raise _unavailable() from error
        if response.status_code == 204:
            return True
        if response.status_code == 404:
            return False
        log.warning("Appointment-MS answered the relationship check", extra={"status": response.status_code})
        raise _unavailable()
