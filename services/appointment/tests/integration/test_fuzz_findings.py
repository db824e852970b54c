"""Inputs schemathesis sent through the gateway that got a 500 (tests/fuzz): each is answered now."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN


def test_an_offset_postgresql_cannot_store_still_filters_the_appointments(client: FlaskClient) -> None:
    # ISO 8601 allows offsets to 23:59, PostgreSQL to 15:59: the fuzzer's -16:30 was a 500 in the query.
    query = {"updated_since": "5700-03-24T22:25:56.6351-16:30", "from": "2026-11-27T22:44:49+12:32"}

    answer = client.get(
        "/api/v1/appointments",
        query_string=query,
        headers=identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN),
    )

    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["items"] == []


def test_a_date_time_outside_the_utc_years_is_a_422_naming_the_field(client: FlaskClient) -> None:
    query = {"updated_since": "0001-01-01T00:10:00+05:00"}

    answer = client.get(
        "/api/v1/appointments",
        query_string=query,
        headers=identity_headers(uuid.uuid4(), "admin", INTERNAL_TOKEN),
    )

    assert answer.status_code == 422 and list(answer.json["errors"]) == ["updated_since"]
