"""The demo hospital's doctors: seeded once, through the use cases (so through the outbox), idempotently."""

import uuid

from flask import Flask
from sqlalchemy import func, select

from doctor_service.adapters.postgres.models import DoctorRow, doctor_outbox
from doctor_service.cli import main
from doctor_service.seed import seed_demo

DEMO_DOCTOR_USER = uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:doctor@demo.hospital.test")


def count(app: Flask, query) -> int:
    with app.extensions["container"].engine.connect() as connection:
        return connection.scalar(query)


def test_seeding_twice_gives_forty_doctors_in_several_time_zones_with_their_events(app: Flask) -> None:
    container = app.extensions["container"]
    uow = container.uow

    first = seed_demo(uow, clock=container.clock)
    second = seed_demo(uow, clock=container.clock)

    assert first == (40, 0) and second == (0, 40)
    assert count(app, select(func.count()).select_from(DoctorRow)) == 40
    assert count(app, select(func.count(func.distinct(DoctorRow.time_zone)))) >= 5
    assert count(app, select(func.count()).select_from(doctor_outbox)) == 80  # created + schedule, per doctor
    with uow() as check:
        demo = check.doctors.get_by_user(DEMO_DOCTOR_USER)
    assert demo is not None and demo.time_zone == "Europe/Berlin"
    assert demo.schedule.weekly[0]  # works on Mondays
    assert [t.code for t in demo.schedule.appointment_types] == ["cardiology", "general-practice"]


def test_the_seed_command_does_nothing_when_seed_demo_is_off(app: Flask, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SETTINGS"].database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SEED_DEMO", "0")

    assert main(["seed-demo"]) == 0

    assert "not seeding" in capsys.readouterr().out
    assert count(app, select(func.count()).select_from(DoctorRow)) == 0


def test_the_seed_command_refuses_production(app: Flask, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SETTINGS"].database_url)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_TOKEN", "a-real-internal-token-of-32-chars")
    monkeypatch.delenv("SEED_DEMO", raising=False)

    assert main(["seed-demo"]) == 2

    assert "doctor: refused: seed-demo refuses to run in production" in capsys.readouterr().err
    assert count(app, select(func.count()).select_from(DoctorRow)) == 0
