import pytest

from auth_service.adapters.security.bcrypt_hasher import BcryptPasswordHasher
from auth_service.config import Settings
from hospital_shared.settings import SettingsError


def test_every_setting_is_read_from_its_environment_variable():
    settings = Settings.from_env(
        {
            "SESSION_IDLE_SECONDS": "60",
            "SESSION_ABSOLUTE_SECONDS": "120",
            "SESSION_COOKIE_NAME": "sid",
            "SESSION_COOKIE_SECURE": "true",
            "ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "BCRYPT_ROUNDS": "13",
            "OIDC_CLIENT_ID": "id",
            "OIDC_CLIENT_SECRET": "secret",
            "SPA_URL": "/welcome",
            "ENVIRONMENT": "test",
        }
    )
    assert (settings.session_idle_seconds, settings.session_absolute_seconds) == (60, 120)
    assert settings.session_cookie_name == "sid" and settings.cookie_secure
    assert settings.trusted_origins == {"https://a.example", "https://b.example", "http://localhost:8080"}
    assert settings.bcrypt_rounds == 13 and settings.oidc_enabled and settings.spa_url == "/welcome"
    assert settings.oidc_issuer == "https://accounts.google.com"
    assert settings.effective_oidc_redirect_uri == "http://localhost:8080/api/v1/auth/oauth/google/callback"


def test_cookies_are_secure_unless_running_in_local_dev_or_tests():
    assert not Settings(environment="dev").cookie_secure
    assert Settings(environment="production", internal_token="real").cookie_secure


@pytest.mark.parametrize(
    "changes",
    [
        {"environment": "production", "internal_token": "real", "bcrypt_rounds": 11},
        {"environment": "production", "internal_token": "real", "session_cookie_secure": False},
        {"session_idle_seconds": 600, "session_absolute_seconds": 60},
        {"session_cookie_samesite": "None"},
        {"oidc_client_id": "id"},
        {"public_base_url": "not a url"},
    ],
)
def test_unsafe_settings_refuse_to_start(changes):
    with pytest.raises(SettingsError):
        Settings(**({"environment": "test"} | changes)).validate()


def test_an_unset_environment_is_production_strong_bcrypt_and_secure_cookies():
    settings = Settings.from_env({"INTERNAL_TOKEN": "a-real-internal-token-of-32-chars"})
    assert settings.is_production and settings.cookie_secure and settings.bcrypt_rounds >= 12
    with pytest.raises(SettingsError, match="INTERNAL_TOKEN must be set to a real secret"):
        Settings.from_env({})


def test_smtp_credentials_need_tls():
    with pytest.raises(SettingsError, match="SMTP_URL carries a user name or password over plain smtp://"):
        Settings.from_env({"ENVIRONMENT": "dev", "SMTP_URL": "smtp://mailer:secret@mail.example:25"})
    url = "smtp+starttls://mailer:secret@mail.example:587"
    assert Settings.from_env({"ENVIRONMENT": "dev", "SMTP_URL": url}).smtp_url == url


def test_bcrypt_hashes_verify_and_say_when_their_cost_is_too_low():
    weak, strong = BcryptPasswordHasher(4), BcryptPasswordHasher(5)
    hashed = weak.hash("correct horse")
    assert weak.verify("correct horse", hashed) and not weak.verify("wrong horse", hashed)
    assert strong.needs_rehash(hashed) and not weak.needs_rehash(hashed)


def test_bcrypt_never_hashes_more_than_72_bytes_and_never_accepts_them():
    hasher = BcryptPasswordHasher(4)
    with pytest.raises(ValueError, match="72 bytes"):
        hasher.hash("x" * 73)
    hashed = hasher.hash("x" * 72)
    assert hasher.verify("x" * 72, hashed)
    assert not hasher.verify("x" * 72 + "y", hashed)


def test_an_account_without_a_hash_is_checked_against_a_dummy_and_refused():
    assert not BcryptPasswordHasher(4).verify("anything at all", None)
