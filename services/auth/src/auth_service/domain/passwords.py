"""The password rules: 8 to 72 bytes of UTF-8, refused (never silently truncated) beyond bcrypt's limit."""

from __future__ import annotations

from hospital_shared.errors import ValidationFailed

MIN_PASSWORD_BYTES = 8
MAX_PASSWORD_BYTES = 72  # bcrypt only reads 72 bytes; longer passwords would share a hash with their prefix


def password_problems(password: str) -> list[str]:
    size = len(password.encode("utf-8"))
    if size < MIN_PASSWORD_BYTES:
        return [f"Use at least {MIN_PASSWORD_BYTES} characters."]
    if size > MAX_PASSWORD_BYTES:
        return [f"Use at most {MAX_PASSWORD_BYTES} bytes (UTF-8); this password is {size} bytes long."]
    return []


def check_password_policy(password: str, *, field: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationFailed(
            f"The {field.replace('_', ' ')} is not acceptable: {problems[0]}", errors={field: problems}
        )


def fits_bcrypt(password: str) -> bool:
    return len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES
