"""Prometheus beside the native stack (MONITORING=1): it finds Appointment-MS's replicas as they are scaled
out and in, with nobody listing them, and scrapes every service. Run with -s to see the target lists."""

from __future__ import annotations

import time

import pytest
import requests

from hospital_testing import free_port
from tests.e2e.stack import StackUnderTest


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"MONITORING": "1", "PROMETHEUS_PORT": str(free_port()), "PROMETHEUS_SCRAPE_SECONDS": "2"}


def _targets(stack: StackUnderTest) -> list[dict]:
    port = stack.env["PROMETHEUS_PORT"]
    answer = requests.get(f"http://127.0.0.1:{port}/api/v1/targets?state=active", timeout=5)
    answer.raise_for_status()
    return answer.json()["data"]["activeTargets"]


def _appointment_targets(stack: StackUnderTest) -> list[dict]:
    return [t for t in _targets(stack) if t["labels"]["job"] == "appointment"]


def _targets_page(stack: StackUnderTest) -> str:
    """Debian's Prometheus serves its classic UI: the targets page is /classic/targets."""
    port = stack.env["PROMETHEUS_PORT"]
    answer = requests.get(f"http://127.0.0.1:{port}/classic/targets", timeout=5)
    answer.raise_for_status()
    return answer.text


def _show(title: str, targets: list[dict]) -> None:
    print(f"\n{title}")
    for target in sorted(targets, key=lambda t: t["scrapeUrl"]):
        job, replica = target["labels"]["job"], target["labels"].get("replica", "")
        print(f"  {job:12} {replica:14} {target['scrapeUrl']:38} {target['health']}")


def _until_appointment_targets_are(stack: StackUnderTest, count: int, *, seconds: float = 30) -> list[dict]:
    """The appointment targets once exactly `count` are listed and all up (scrapes every 2 s)."""
    deadline = time.monotonic() + seconds
    targets: list[dict] = []
    while time.monotonic() < deadline:
        targets = _appointment_targets(stack)
        if len(targets) == count and all(t["health"] == "up" for t in targets):
            return targets
        time.sleep(0.5)
    _show("appointment targets when the wait ran out:", targets)
    raise AssertionError(f"expected {count} appointment targets, all up")


def test_every_service_is_scraped_and_up(stack: StackUnderTest) -> None:
    _until_appointment_targets_are(stack, 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        targets = _targets(stack)
        if all(t["health"] == "up" for t in targets) and len(targets) == 5:
            break
        time.sleep(0.5)
    _show("every target after make up MONITORING=1:", targets)
    assert {t["labels"]["job"] for t in targets} == {"auth", "patient", "doctor", "appointment", "prometheus"}
    assert all(t["health"] == "up" for t in targets)


def test_scaled_replicas_appear_and_disappear_in_prometheus_targets(stack: StackUnderTest) -> None:
    stack.run("scale", "3")
    three = _until_appointment_targets_are(stack, 3)
    _show("appointment targets after make scale appointment=3:", three)
    replicas = sorted(t["labels"]["replica"] for t in three)
    assert replicas == ["appointment-1", "appointment-2", "appointment-3"]
    page = _targets_page(stack)  # what an operator opens: every replica's URL is on it
    assert all(t["scrapeUrl"] in page for t in three)

    stack.run("scale", "1")
    one = _until_appointment_targets_are(stack, 1)
    _show("appointment targets after make scale appointment=1:", one)
    assert one[0]["labels"]["replica"] == "appointment-1"


def test_the_rules_are_loaded_and_status_shows_prometheus(stack: StackUnderTest) -> None:
    port = stack.env["PROMETHEUS_PORT"]
    groups = requests.get(f"http://127.0.0.1:{port}/api/v1/rules", timeout=5).json()["data"]["groups"]
    alerts = {rule["name"] for group in groups for rule in group["rules"] if rule["type"] == "alerting"}
    assert {"AppointmentReplicaDown", "HighErrorRate", "SlotSearchSlow", "OutboxBacklog"} <= alerts
    assert f"http://127.0.0.1:{port}" in stack.run("status").stdout
