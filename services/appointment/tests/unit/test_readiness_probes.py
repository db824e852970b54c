"""How the readiness probes read what a service answers, or that it did not (requests faked at the edge)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from appointment_service.adapters.readiness.http_probes import HttpReadinessProbes


def answer(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = content_type
    return response


def probes(get: Any, **urls: str) -> HttpReadinessProbes:
    return HttpReadinessProbes(urls or {"doctor": "http://doctor:5003/"}, timeout_seconds=0.3, get=get)


def test_the_probe_asks_readyz_of_each_service_in_the_order_given() -> None:
    asked: list[str] = []

    def get(url: str, **_: Any) -> requests.Response:
        asked.append(url)
        return answer(200, b'{"status": "ok", "checks": {"database": {"status": "ok"}}}')

    found = probes(get, auth="http://a:1", patient="http://p:2/").check_all()
    assert sorted(asked) == ["http://a:1/readyz", "http://p:2/readyz"]
    assert [(s.name, s.ready, s.status_code) for s in found] == [("auth", True, 200), ("patient", True, 200)]
    assert found[0].checks == {"database": {"status": "ok"}}


def test_a_200_that_is_not_the_readiness_document_is_not_ready() -> None:
    (found,) = probes(lambda url, **_: answer(200, b"<html>hello</html>", "text/html")).check_all()
    assert found.ready is False
    assert found.status_code == 200
    assert found.detail == "/readyz answered 200"
    assert found.checks == {}


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (requests.ConnectTimeout(), "no answer within 0.3 s"),
        (requests.ReadTimeout(), "no answer within 0.3 s"),
        (requests.ConnectionError(), "not reachable: ConnectionError"),
        (RuntimeError("a bug"), "probe failed: RuntimeError"),
    ],
)
def test_a_service_that_does_not_answer_is_not_ready_and_says_why(error: Exception, detail: str) -> None:
    def get(url: str, **_: Any) -> requests.Response:
        raise error

    (found,) = probes(get).check_all()
    assert (found.ready, found.status_code, found.detail) == (False, None, detail)


def test_a_service_that_hangs_past_the_timeout_is_reported_in_time() -> None:
    def get(url: str, **_: Any) -> requests.Response:
        if "slow" in url:
            time.sleep(2)  # as a server that accepts, then trickles its answer past every read timeout
        return answer(200, b'{"status": "ok"}')

    checker = probes(get, slow="http://slow:1", fast="http://fast:2")
    started = time.monotonic()
    slow, fast = checker.check_all()
    assert time.monotonic() - started < 1.0
    assert (slow.name, slow.ready, slow.detail) == ("slow", False, "no answer within 0.3 s")
    assert (fast.name, fast.ready) == ("fast", True)
    checker.close()
