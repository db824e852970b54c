"""Times every API request of this process into its RequestWindow (the system page's rate and latency)."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from appointment_service.domain.replicas import RequestWindow
from hospital_shared.web import PUBLIC_ENDPOINTS


def record_requests(app: Flask, window: RequestWindow) -> None:
    """Count and time each request but the health probes and metrics scrapes (they are not load)."""

    def start_timer() -> None:
        g.window_started = time.perf_counter()

    # First of all before_request hooks, so a request refused by one of them (401, 422) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)

    @app.after_request
    def _record(response: Response) -> Response:
        started = g.get("window_started")
        if started is not None and request.endpoint not in PUBLIC_ENDPOINTS:
            window.record((time.perf_counter() - started) * 1000)
        return response
