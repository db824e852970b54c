"""Typed settings read from environment variables, one dataclass per service.

Each field is read from the variable of its upper-cased name and converted by its annotation. Secrets are
declared with `secret_field`: they may have a development default, but a production environment refuses it.
An unset ENVIRONMENT means production: a deployment that forgets it fails closed (refuses the dev secrets,
strong bcrypt, Secure cookies); local runs, the tests and compose say ENVIRONMENT=dev or test.
A field named `smtp_url` is checked in every environment: credentials go to the mail server only over TLS.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

from hospital_shared.mail import smtp_url_problem

_DEV_DEFAULT = "dev_default"
ENVIRONMENTS = ("dev", "test", "production")
_UNSET_ENVIRONMENT_HINT = (
    "ENVIRONMENT is not set, and unset means production; set ENVIRONMENT=dev (or test) to run locally "
    "with the development defaults"
)


class SettingsError(ValueError):
    """A setting is missing or cannot be read; the service must not start."""


def secret_field(dev_default: str) -> Any:
    """A secret: usable with its dev default locally, but required from the environment in production."""
    return dataclasses.field(default=dev_default, metadata={_DEV_DEFAULT: dev_default})


def _convert(name: str, raw: str, annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if raw == "":
            return None
        annotation = args[0]
    if typing.get_origin(annotation) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if annotation is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{name} must be a boolean (true/false), got {raw!r}")
    if annotation in (int, float):
        try:
            return annotation(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    return raw


def _valid_in_dev(settings: ServiceSettings) -> bool:
    try:
        dataclasses.replace(settings, environment="dev").validate()
    except SettingsError:
        return False
    return True


@dataclasses.dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """Settings every service has; services subclass it to add their own fields."""

    service_name: str = "service"
    environment: str = "production"  # dev | test | production; unset is production (fail closed)
    database_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
    redis_url: str = "redis://127.0.0.1:6379/0"
    internal_token: str = secret_field("dev-internal-token")
    log_level: str = "INFO"
    instance_name: str = ""  # shown in X-Served-By, e.g. appointment-2
    public_base_url: str = "http://localhost:8080"
    db_pool_size: int = 5

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """Build the settings from the environment (or `environ`), then apply explicit overrides."""
        environ = os.environ if environ is None else environ
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(field.name.upper())
            if raw is not None:
                values[field.name] = _convert(field.name.upper(), raw, hints[field.name])
        values.update(overrides)
        settings = cls(**values)
        try:
            settings.validate()
        except SettingsError as error:
            if "environment" in values or not _valid_in_dev(settings):
                raise
            # Refused only because an unset ENVIRONMENT is production: say so, and how to run locally.
            raise SettingsError(f"{error} ({_UNSET_ENVIRONMENT_HINT})") from None
        return settings

    def validate(self) -> None:
        """Refuse unsafe settings: unknown environment, SMTP login without TLS, dev secrets in production."""
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"ENVIRONMENT must be dev, test or production, got {self.environment!r}")
        smtp_url = getattr(self, "smtp_url", None)
        if isinstance(smtp_url, str) and (problem := smtp_url_problem(smtp_url)):
            raise SettingsError(problem)
        if self.environment != "production":
            return
        for field in dataclasses.fields(self):
            dev_default = field.metadata.get(_DEV_DEFAULT)
            if dev_default is None:
                continue
            value = getattr(self, field.name)
            if value == dev_default or len(str(value).strip()) < 16:
                raise SettingsError(
                    f"{field.name.upper()} must be set to a real secret (16+ characters) in production"
                )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def refuse_in_production(self, command: str) -> None:
        """Stop an operator command that must never run in production (demo accounts, published passwords)."""
        if self.is_production:
            raise SettingsError(
                f"{command} refuses to run in production (ENVIRONMENT=production, which is also what an "
                "unset ENVIRONMENT means); it is for local and test stacks (ENVIRONMENT=dev or test)"
            )
