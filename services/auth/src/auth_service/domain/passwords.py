"""The password rules (ASVS level 2): 8 to 72 bytes of UTF-8, refused (never silently truncated) beyond
bcrypt's limit, and refused when it is a common password or the account's own email or name."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from hospital_shared.errors import ValidationFailed

MIN_PASSWORD_BYTES = 8
MAX_PASSWORD_BYTES = 72  # bcrypt only reads 72 bytes; longer passwords would share a hash with their prefix
COMMON_PASSWORDS_FILE = "common-passwords.txt.gz"  # Django's list, see data/README.md
COMMON_PASSWORD = (  # a message, not a password
    "This password is one of the most common passwords, which attackers try first. "  # noqa: S105
    "Choose a less common one, for example three or four unrelated words."
)
PERSONAL_PASSWORD = "The password must not be your email address or your name."  # noqa: S105


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased, read once from the package (no network call)."""
    data = resources.files("auth_service.data").joinpath(COMMON_PASSWORDS_FILE).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def _personal_words(email: str | None, full_name: str | None) -> set[str]:
    words = set()
    if email:
        email = email.strip().lower()
        words |= {email, email.split("@", 1)[0]}
    if full_name:
        name = full_name.strip().lower()
        words |= {name, name.replace(" ", "")}
    return {word for word in words if word}


def password_problems(password: str, *, email: str | None = None, full_name: str | None = None) -> list[str]:
    size = len(password.encode("utf-8"))
    if size < MIN_PASSWORD_BYTES:
        return [f"Use at least {MIN_PASSWORD_BYTES} characters."]
    if size > MAX_PASSWORD_BYTES:
        return [f"Use at most {MAX_PASSWORD_BYTES} bytes (UTF-8); this password is {size} bytes long."]
    if is_common(password):
        return [COMMON_PASSWORD]
    if password.strip().lower() in _personal_words(email, full_name):
        return [PERSONAL_PASSWORD]
    return []


def check_password_policy(
    password: str, *, field: str = "password", email: str | None = None, full_name: str | None = None
) -> None:
    problems = password_problems(password, email=email, full_name=full_name)
    if problems:
        raise ValidationFailed(
            f"The {field.replace('_', ' ')} is not acceptable: {problems[0]}", errors={field: problems}
        )


def fits_bcrypt(password: str) -> bool:
    return len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES
