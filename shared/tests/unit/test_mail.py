"""SMTP URLs are judged before use: credentials over plain smtp:// are named unencrypted."""

from __future__ import annotations

import pytest

from hospital_shared.mail import smtp_url_problem


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("smtp://user:pw@mail.example:25", "unencrypted"),
        ("smtp://user@mail.example:25", "unencrypted"),
        ("smtp+starttls://user:pw@mail.example:587", None),
        ("smtps://user:pw@mail.example:465", None),
        ("smtp://127.0.0.1:1025", None),
        ("http://mail.example", "must look like"),
        ("smtp://mail.example:notaport", "not a number"),
    ],
)
def test_smtp_urls_are_judged_before_use(url: str, problem: str | None) -> None:
    found = smtp_url_problem(url)
    assert (found is None) if problem is None else (problem in (found or ""))
