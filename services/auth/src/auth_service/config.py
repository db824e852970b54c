"""Auth-MS settings, read from the environment (each field from the variable of its upper-cased name)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from hospital_shared.settings import ServiceSettings, SettingsError

PRODUCTION_MIN_BCRYPT_ROUNDS = 12
GOOGLE_ISSUER = "https://accounts.google.com"
OIDC_CALLBACK_PATH = "/api/v1/auth/oauth/google/callback"


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, the form browsers send in the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


@dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    service_name: str = "auth"
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/auth"

    # Sessions: a 256-bit id in an HttpOnly cookie, sliding idle timeout and absolute lifetime.
    session_cookie_name: str = "hospital_session"
    session_cookie_secure: bool | None = None  # unset: Secure everywhere except ENVIRONMENT=dev/test
    session_cookie_samesite: str = "Lax"
    session_idle_seconds: int = 30 * 60
    session_absolute_seconds: int = 12 * 60 * 60

    # Unsafe requests must come from one of these origins (the public base URL's origin is always allowed).
    allowed_origins: tuple[str, ...] = ("http://localhost:8080", "http://127.0.0.1:8080")

    # Passwords and sign-in limits.
    bcrypt_rounds: int = 12
    login_account_max_failures: int = 5
    login_account_window_seconds: int = 15 * 60
    login_account_max_lock_seconds: int = 5 * 60
    login_ip_max_failures: int = 100
    login_ip_window_seconds: int = 15 * 60

    # Mail and the one-time links it carries (built from PUBLIC_BASE_URL, never from the Host header).
    smtp_url: str = "smtp://127.0.0.1:8025"
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Hospital <no-reply@hospital.test>"
    mail_in_background: bool = True
    mail_resend_seconds: int = 60
    password_reset_ttl_seconds: int = 30 * 60
    email_verify_ttl_seconds: int = 48 * 60 * 60
    set_password_ttl_seconds: int = 24 * 60 * 60  # staff invitations: 24 h at most (capped in the domain too)

    # Staff two-step sign-in (TOTP). Required: doctors and admins without it may only enrol at sign-in.
    staff_mfa_required: bool = False
    mfa_issuer: str = "Hospital"
    mfa_challenge_ttl_seconds: int = 5 * 60

    # Account events (created, disabled, enabled, role changed), relayed from the outbox to this stream.
    account_events_stream: str = "account-events"
    outbox_relay_enabled: bool = True
    outbox_relay_interval_seconds: float = 0.5
    outbox_relay_batch_size: int = 100

    # Google (or any OpenID provider) sign-in.
    spa_url: str = "/"
    oidc_issuer: str = GOOGLE_ISSUER
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_uri: str = ""  # unset: PUBLIC_BASE_URL + /api/v1/auth/oauth/google/callback
    oidc_scopes: str = "openid email profile"
    oidc_state_ttl_seconds: int = 10 * 60
    oidc_clock_skew_seconds: int = 60
    oidc_http_timeout_seconds: float = 5.0

    def validate(self) -> None:
        super().validate()
        if self.bcrypt_rounds < 4 or self.bcrypt_rounds > 31:
            raise SettingsError("BCRYPT_ROUNDS must be between 4 and 31")
        if self.is_production and self.bcrypt_rounds < PRODUCTION_MIN_BCRYPT_ROUNDS:
            raise SettingsError(
                f"BCRYPT_ROUNDS must be at least {PRODUCTION_MIN_BCRYPT_ROUNDS} in production"
            )
        if self.is_production and self.session_cookie_secure is False:
            raise SettingsError("SESSION_COOKIE_SECURE cannot be false in production")
        if self.session_cookie_samesite not in {"Lax", "Strict"}:
            raise SettingsError("SESSION_COOKIE_SAMESITE must be Lax or Strict")
        if self.session_idle_seconds <= 0 or self.session_absolute_seconds < self.session_idle_seconds:
            raise SettingsError("SESSION_ABSOLUTE_SECONDS must be at least SESSION_IDLE_SECONDS (both > 0)")
        if self.oidc_client_id and not self.oidc_client_secret:
            raise SettingsError("OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID is")
        if not origin_of(self.public_base_url):
            raise SettingsError("PUBLIC_BASE_URL must be an absolute URL such as https://hospital.example")

    @property
    def cookie_secure(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return self.environment not in {"dev", "test"}

    @property
    def trusted_origins(self) -> frozenset[str]:
        origins = {origin.rstrip("/").lower() for origin in self.allowed_origins}
        return frozenset(origins | {origin_of(self.public_base_url)})

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_client_id)

    @property
    def effective_oidc_redirect_uri(self) -> str:
        return self.oidc_redirect_uri or self.public_base_url.rstrip("/") + OIDC_CALLBACK_PATH

    def link(self, path: str) -> str:
        """An absolute link into the SPA for a mail, always from PUBLIC_BASE_URL."""
        return self.public_base_url.rstrip("/") + path
