"""The demo patient's profile is seeded once, and only when SEED_DEMO is on."""

import uuid

from flask import Flask
from flask.testing import FlaskClient

from hospital_shared.identity import identity_headers
from hospital_testing import INTERNAL_TOKEN
from patient_service.cli import main

DEMO_PATIENT = uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:patient@demo.hospital.test")
AS_DEMO_PATIENT = identity_headers(DEMO_PATIENT, "patient", INTERNAL_TOKEN)


def test_seed_demo_creates_the_demo_patients_profile_once(
    app: Flask, client: FlaskClient, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SETTINGS"].database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.delenv("SEED_DEMO", raising=False)

    main(["seed-demo"])
    main(["seed-demo"])

    assert capsys.readouterr().out.splitlines() == [
        "patient: demo patient profile created",
        "patient: demo patient profile already there",
    ]
    profile = client.get("/api/v1/patients/me", headers=AS_DEMO_PATIENT)
    assert profile.status_code == 200 and profile.json["full_name"] == "Paula Patient"


def test_seed_demo_does_nothing_when_seed_demo_is_0(app: Flask, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SETTINGS"].database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SEED_DEMO", "0")

    main(["seed-demo"])

    profile = client.get("/api/v1/patients/me", headers=AS_DEMO_PATIENT)
    assert profile.status_code == 404


def test_seed_demo_refuses_production(app: Flask, client: FlaskClient, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SETTINGS"].database_url)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_TOKEN", "a-real-internal-token-of-32-chars")
    monkeypatch.delenv("SEED_DEMO", raising=False)

    assert main(["seed-demo"]) == 2

    assert "patient: refused: seed-demo refuses to run in production" in capsys.readouterr().err
    profile = client.get("/api/v1/patients/me", headers=AS_DEMO_PATIENT)
    assert profile.status_code == 404
