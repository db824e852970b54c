"""Every service's GET /readyz, asked at once on a small thread pool, each answer awaited at most a second."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable, Mapping

import requests

from appointment_service.domain.system import ServiceHealth
from appointment_service.ports import ServiceProbes

# The slack allowed past the timeout for a probe thread to hand its answer back.
_SCHEDULING_SLACK_SECONDS = 0.1


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _readiness(name: str, response: requests.Response, elapsed_ms: float) -> ServiceHealth:
    try:
        body = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    checks = body.get("checks") if isinstance(body.get("checks"), dict) else {}
    ready = response.status_code == 200 and body.get("status") == "ok"
    detail = None if ready else str(body.get("detail") or f"/readyz answered {response.status_code}")
    return ServiceHealth(
        name=name,
        ready=ready,
        response_time_ms=elapsed_ms,
        status_code=response.status_code,
        checks=checks,
        detail=detail,
    )


class HttpReadinessProbes(ServiceProbes):
    def __init__(
        self,
        base_urls: Mapping[str, str],
        *,
        timeout_seconds: float,
        get: Callable[..., requests.Response] = requests.get,
    ) -> None:
        self._urls = {name: url.rstrip("/") + "/readyz" for name, url in base_urls.items()}
        self._timeout = timeout_seconds
        self._get = get
        # Twice the services: a second page load finds free threads while the first one's probes time out.
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=2 * max(len(self._urls), 1), thread_name_prefix="readiness-probe"
        )

    def _probe(self, name: str, url: str) -> ServiceHealth:
        started = time.perf_counter()
        try:
            response = self._get(url, timeout=self._timeout, headers={"Accept": "application/json"})
        except requests.Timeout:
            return self._no_answer(name, started)
        except requests.RequestException as error:
            detail = f"not reachable: {type(error).__name__}"
            return ServiceHealth(name=name, ready=False, response_time_ms=_elapsed_ms(started), detail=detail)
        return _readiness(name, response, _elapsed_ms(started))

    def _no_answer(self, name: str, started: float) -> ServiceHealth:
        detail = f"no answer within {self._timeout:g} s"
        return ServiceHealth(name=name, ready=False, response_time_ms=_elapsed_ms(started), detail=detail)

    def check_all(self) -> list[ServiceHealth]:
        started = time.perf_counter()
        futures = {name: self._pool.submit(self._probe, name, url) for name, url in self._urls.items()}
        concurrent.futures.wait(futures.values(), timeout=self._timeout + _SCHEDULING_SLACK_SECONDS)
        results: list[ServiceHealth] = []
        for name, future in futures.items():
            if not future.done():  # still waiting: a connect and then a read may each take the timeout
                future.cancel()
                results.append(self._no_answer(name, started))
            elif (error := future.exception()) is not None:  # an answer the probe could not read at all
                detail = f"probe failed: {type(error).__name__}"
                results.append(
                    ServiceHealth(
                        name=name, ready=False, response_time_ms=_elapsed_ms(started), detail=detail
                    )
                )
            else:
                results.append(future.result())
        return results

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
