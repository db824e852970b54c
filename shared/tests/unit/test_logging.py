"""Log lines are JSON with the request id; the cheap timestamp reads exactly as datetime would write it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from hospital_shared.logging_setup import JsonFormatter, request_id_var


@pytest.mark.parametrize(
    "created",
    [0.0, 1764576000.0, 1764576000.9995, 1764576000.0004999, 1751541980.6939995, 1764576059.9999996],
)
def test_the_timestamp_is_iso_8601_utc_with_milliseconds_as_datetime_writes_it(created: float) -> None:
    record = logging.makeLogRecord({"msg": "hello", "created": created})

    line = json.loads(JsonFormatter("pets").format(record))

    assert line["ts"] == datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def test_a_line_carries_the_service_the_request_id_and_every_extra_field() -> None:
    token = request_id_var.set("req-42")
    try:
        record = logging.makeLogRecord(
            {"msg": "request %s", "args": ("done",), "levelno": 20, "levelname": "INFO", "status": 200}
        )
        record.when = datetime(2026, 1, 2, tzinfo=UTC)  # not JSON by itself: written as text
        line = json.loads(JsonFormatter("pets").format(record))
    finally:
        request_id_var.reset(token)

    assert line["message"] == "request done"
    assert (line["service"], line["level"], line["request_id"]) == ("pets", "info", "req-42")
    assert line["status"] == 200 and line["when"] == "2026-01-02 00:00:00+00:00"
