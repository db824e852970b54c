"""Which account events a change makes, and what they say."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from auth_service.domain.account_events import account_changes, account_event_payload
from auth_service.domain.users import Role, User

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANN = User.new(email="ann@example.org", full_name="Ann", role=Role.PATIENT, now=NOW)


def test_a_new_account_is_created():
    assert account_changes(None, ANN) == ["account.created"]


def test_disabling_enabling_and_a_role_change_each_make_their_event():
    disabled = ANN.with_disabled(True)
    assert account_changes(ANN, disabled) == ["account.disabled"]
    assert account_changes(disabled, ANN) == ["account.enabled"]
    assert account_changes(ANN, ANN.with_role(Role.DOCTOR)) == ["account.role_changed"]


def test_a_password_or_name_change_makes_no_event():
    assert account_changes(ANN, replace(ANN, password_hash="x", full_name="Ann B")) == []


def test_the_payload_carries_the_account_and_its_version():
    payload = account_event_payload("account.disabled", ANN.with_disabled(True), version=3, occurred_at=NOW)
    assert payload == {
        "schema_version": 1,
        "type": "account.disabled",
        "user_id": str(ANN.id),
        "version": 3,
        "occurred_at": "2026-03-02T09:00:00+00:00",
        "account": {"id": str(ANN.id), "role": "patient", "disabled": True},
    }
