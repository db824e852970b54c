from dataclasses import dataclass

import pytest

from hospital_shared.settings import ServiceSettings, SettingsError, secret_field


@dataclass(frozen=True, kw_only=True)
class ExampleSettings(ServiceSettings):
    retries: int = 3
    ratio: float = 0.5
    verbose: bool = False
    origins: tuple[str, ...] = ()
    api_key: str = secret_field("dev-api-key")


def test_fields_are_read_from_upper_case_variables_and_typed_by_annotation() -> None:
    settings = ExampleSettings.from_env(
        {
            "RETRIES": "7",
            "RATIO": "0.25",
            "VERBOSE": "yes",
            "ORIGINS": "http://a, http://b",
            "SERVICE_NAME": "x",
            "ENVIRONMENT": "test",
        }
    )
    assert settings.retries == 7
    assert settings.ratio == 0.25
    assert settings.verbose is True
    assert settings.origins == ("http://a", "http://b")
    assert settings.service_name == "x"


def test_a_bad_number_or_boolean_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="RETRIES"):
        ExampleSettings.from_env({"RETRIES": "many"})
    with pytest.raises(SettingsError, match="VERBOSE"):
        ExampleSettings.from_env({"VERBOSE": "perhaps"})


def test_production_refuses_to_start_with_a_development_secret() -> None:
    with pytest.raises(SettingsError, match="INTERNAL_TOKEN"):
        ExampleSettings.from_env({"ENVIRONMENT": "production", "API_KEY": "a-real-api-key-value"})
    with pytest.raises(SettingsError, match="API_KEY"):
        ExampleSettings.from_env({"ENVIRONMENT": "production", "INTERNAL_TOKEN": "t" * 32})
    settings = ExampleSettings.from_env(
        {"ENVIRONMENT": "production", "INTERNAL_TOKEN": "t" * 32, "API_KEY": "k" * 16}
    )
    assert settings.is_production


def test_development_may_use_the_development_secrets() -> None:
    assert ExampleSettings.from_env({"ENVIRONMENT": "dev"}).internal_token == "dev-internal-token"
    assert ExampleSettings.from_env({"ENVIRONMENT": "test"}).internal_token == "dev-internal-token"


def test_an_unset_environment_means_production() -> None:
    assert ExampleSettings().environment == "production"
    settings = ExampleSettings.from_env({"INTERNAL_TOKEN": "t" * 32, "API_KEY": "k" * 16})
    assert settings.is_production


def test_an_unset_environment_with_the_dev_token_refuses_to_start_and_says_why() -> None:
    with pytest.raises(SettingsError) as refused:
        ExampleSettings.from_env({"API_KEY": "k" * 16})
    message = str(refused.value)
    assert "INTERNAL_TOKEN must be set to a real secret" in message
    assert "ENVIRONMENT is not set, and unset means production" in message
    assert "ENVIRONMENT=dev" in message


def test_the_hint_about_an_unset_environment_comes_only_when_it_is_the_reason() -> None:
    with pytest.raises(SettingsError) as refused:
        ExampleSettings.from_env({"ENVIRONMENT": "production", "API_KEY": "k" * 16})
    assert "not set" not in str(refused.value)
    with pytest.raises(SettingsError) as refused:
        MailingSettings.from_env({"INTERNAL_TOKEN": "t" * 32, "SMTP_URL": "smtp://u:p@mail.example"})
    assert "not set" not in str(refused.value)


@dataclass(frozen=True, kw_only=True)
class MailingSettings(ServiceSettings):
    smtp_url: str = "smtp://127.0.0.1:1025"


@pytest.mark.parametrize("environment", ["dev", "test", "production"])
def test_smtp_credentials_without_tls_are_refused_in_every_environment(environment: str) -> None:
    environ = {"ENVIRONMENT": environment, "INTERNAL_TOKEN": "t" * 32}
    with pytest.raises(SettingsError, match="SMTP_URL carries a user name or password over plain smtp://"):
        MailingSettings.from_env(environ | {"SMTP_URL": "smtp://mailer:secret@mail.example:25"})
    for url in ("smtp+starttls://mailer:secret@mail.example:587", "smtps://mailer:secret@mail.example"):
        assert MailingSettings.from_env(environ | {"SMTP_URL": url}).smtp_url == url
    assert MailingSettings.from_env(environ).smtp_url == "smtp://127.0.0.1:1025"  # no login: a local relay


def test_demo_commands_refuse_production_only() -> None:
    with pytest.raises(SettingsError, match="seed-demo refuses to run in production"):
        ExampleSettings().refuse_in_production("seed-demo")
    ExampleSettings(environment="dev").refuse_in_production("seed-demo")
    ExampleSettings(environment="test").refuse_in_production("seed-demo")


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(SettingsError, match="ENVIRONMENT"):
        ExampleSettings.from_env({"ENVIRONMENT": "staging-ish"})


def test_production_refuses_an_empty_or_short_secret() -> None:
    with pytest.raises(SettingsError, match="INTERNAL_TOKEN"):
        ExampleSettings.from_env({"ENVIRONMENT": "production", "INTERNAL_TOKEN": "", "API_KEY": "k" * 20})
    with pytest.raises(SettingsError, match="API_KEY"):
        ExampleSettings.from_env(
            {"ENVIRONMENT": "production", "INTERNAL_TOKEN": "t" * 32, "API_KEY": "short"}
        )


def test_the_seed_command_says_what_it_did_or_that_seeding_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from hospital_shared.cli import migrate_and_seed

    calls = []

    def seed() -> str:
        calls.append(1)
        return "demo things created 3"

    common = {"service": "demo", "service_dir": Path("/nowhere"), "settings": ExampleSettings(), "seed": seed}
    assert migrate_and_seed(["seed-demo"], seed_enabled=True, **common) == 0
    assert migrate_and_seed(["seed-demo"], seed_enabled=False, **common) == 0
    assert capsys.readouterr().out.splitlines() == [
        "demo: demo things created 3",
        "demo: SEED_DEMO is off; not seeding",
    ]
    assert calls == [1]
