"""The operator's commands: create-admin, seed-demo, and the local SMTP sink."""

import subprocess
import sys
import time
import uuid

import pytest

from auth_service import cli
from auth_service.adapters.mail.smtp import SmtpMailer
from auth_service.domain.mails import MailMessage
from hospital_testing import free_port

from .conftest import REDIS_URL


@pytest.fixture
def operator_env(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("ENVIRONMENT", "test")


def test_create_admin_creates_then_resets_an_admin_who_can_sign_in(app, operator_env, gateway, capsys):
    assert cli.main(["create-admin", "--email", "Boss@Example.org", "--password", "first password"]) == 0
    assert "created admin boss@example.org" in capsys.readouterr().out
    assert cli.main(["create-admin", "--email", "boss@example.org", "--password", "second password"]) == 0
    assert "reset admin boss@example.org" in capsys.readouterr().out
    signed_in = gateway.login("boss@example.org", password="second password")
    assert signed_in.status_code == 200 and signed_in.json["role"] == "admin"


def test_create_admin_refuses_a_too_short_password(app, operator_env, capsys):
    assert cli.main(["create-admin", "--email", "boss@example.org", "--password", "short"]) == 2
    assert "at least 8" in capsys.readouterr().err


def test_seed_demo_is_idempotent_prints_the_credentials_and_uses_the_agreed_ids(
    app, operator_env, gateway, capsys
):
    assert cli.main(["seed-demo"]) == 0
    first = capsys.readouterr().out
    assert "demo-password-1" in first and first.count("(created)") == 3
    assert cli.main(["seed-demo"]) == 0
    assert capsys.readouterr().out.count("(already there)") == 3
    doctor = gateway.login("doctor@demo.hospital.test", password="demo-password-1").json
    assert doctor["role"] == "doctor" and doctor["email_verified"]
    assert doctor["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:doctor@demo.hospital.test"))


def test_the_mail_sink_keeps_every_message_as_an_eml_file(tmp_path):
    port = free_port()
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hospital_testing.mail_sink",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(tmp_path),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        mailer = SmtpMailer(
            f"smtp://127.0.0.1:{port}", mail_from="Hospital <no-reply@hospital.test>", timeout_seconds=5
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                mailer.send(
                    MailMessage(to="ann@example.org", subject="Hello", body="https://hospital.test/x\n")
                )
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        while not list(tmp_path.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.05)
        files = list(tmp_path.glob("*.eml"))
        assert len(files) == 1
        assert b"Subject: Hello" in files[0].read_bytes()
    finally:
        sink.terminate()
        _, log = sink.communicate(timeout=10)
    assert "mail to ann@example.org: Hello" in log
