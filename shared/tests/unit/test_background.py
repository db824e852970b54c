"""Background work is named by a service's container and started by the serving worker, not by create_app."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from hospital_shared.background import start_background_work, stop_background_work


class Runner:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.stopped = 0

    def start_in_background(self, name: str) -> None:
        self.started.append(name)

    def stop(self) -> None:
        self.stopped += 1


def app_with(container: object) -> Flask:
    app = Flask("test")
    app.extensions["container"] = container
    return app


def test_every_runner_the_container_names_is_started_under_its_name_and_stopped() -> None:
    relay, follower = Runner(), Runner()
    app = app_with(SimpleNamespace(background_work=lambda: {"outbox-relay": relay, "follower": follower}))

    names = start_background_work(app)
    stop_background_work(app)

    assert names == ["outbox-relay", "follower"]
    assert (relay.started, follower.started) == (["outbox-relay"], ["follower"])
    assert (relay.stopped, follower.stopped) == (1, 1)


def test_a_container_that_names_no_background_work_starts_nothing() -> None:
    assert start_background_work(app_with(SimpleNamespace())) == []


def test_gunicorn_starts_the_work_once_a_worker_has_loaded_the_app_and_stops_it_on_exit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The config sets PROMETHEUS_MULTIPROC_DIR when imported; it must not outlive this test.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_config = importlib.import_module("hospital_shared.gunicorn_config")
    relay = Runner()
    worker = SimpleNamespace(wsgi=app_with(SimpleNamespace(background_work=lambda: {"relay": relay})))

    gunicorn_config.post_worker_init(worker)
    gunicorn_config.worker_exit(None, worker)
    gunicorn_config.worker_exit(None, SimpleNamespace())  # a worker that died before loading its app

    assert relay.started == ["relay"] and relay.stopped == 1
