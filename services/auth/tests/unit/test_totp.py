"""RFC 6238 TOTP and recovery codes, on a clock the test controls."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from auth_service.domain import recovery_codes, totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_the_rfc_6238_sha1_vectors_come_out_with_eight_digits(unix_time, expected):
    at = datetime.fromtimestamp(unix_time, UTC)
    assert totp.hotp(b"12345678901234567890", totp.time_step(at), digits=8) == expected


def test_six_digit_codes_are_the_last_six_digits_of_the_rfc_vectors():
    at = datetime.fromtimestamp(1111111109, UTC)
    assert totp.code_at(RFC_SECRET, at) == "081804"


def test_the_rfc_4226_hotp_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871"]
    assert [totp.hotp(b"12345678901234567890", c) for c in range(9)] == expected


NOW = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)


def test_a_code_one_step_early_or_late_is_accepted_two_steps_is_not():
    secret = totp.new_secret()
    for offset, accepted in [(-60, False), (-30, True), (0, True), (30, True), (60, False)]:
        code = totp.code_at(secret, NOW + timedelta(seconds=offset))
        match = totp.match_code(secret, code, at=NOW, last_used_step=None)
        assert (match is not None) is accepted, offset


def test_a_code_is_refused_for_its_own_step_once_used_and_for_earlier_steps():
    secret = totp.new_secret()
    code = totp.code_at(secret, NOW)
    first = totp.match_code(secret, code, at=NOW, last_used_step=None)
    assert first is not None and first.step == totp.time_step(NOW)
    assert totp.match_code(secret, code, at=NOW, last_used_step=first.step) is None
    earlier = totp.code_at(secret, NOW - timedelta(seconds=30))
    assert totp.match_code(secret, earlier, at=NOW, last_used_step=first.step) is None
    later = totp.code_at(secret, NOW + timedelta(seconds=30))
    assert totp.match_code(secret, later, at=NOW + timedelta(seconds=30), last_used_step=first.step)


def test_malformed_codes_are_refused_without_error():
    secret = totp.new_secret()
    for code in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5"]:
        assert totp.match_code(secret, code, at=NOW, last_used_step=None) is None


def test_a_code_with_a_space_in_the_middle_is_read_as_six_digits():
    secret = totp.new_secret()
    code = totp.code_at(secret, NOW)
    assert totp.match_code(secret, f"{code[:3]} {code[3:]}", at=NOW, last_used_step=None) is not None


def test_the_provisioning_uri_is_what_authenticator_apps_import():
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, account="dr.who@hospital.test", issuer="Hospital")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/Hospital:dr.who@hospital.test")
    query = parse_qs(parts.query)
    assert query["secret"] == [secret]
    assert query["issuer"] == ["Hospital"]
    assert (query["algorithm"], query["digits"], query["period"]) == (["SHA1"], ["6"], ["30"])
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20


def test_the_secret_is_grouped_by_four_for_typing():
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_recovery_codes_are_ten_distinct_and_read_back_in_any_case_or_spacing():
    codes = recovery_codes.new_codes()
    assert len(set(codes)) == 10
    code = codes[0]
    assert recovery_codes.looks_like_recovery_code(code.lower().replace("-", " "))
    assert recovery_codes.hash_code(code) == recovery_codes.hash_code(code.lower().replace("-", ""))
    assert not recovery_codes.looks_like_recovery_code("123456")
