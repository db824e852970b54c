"""Text PostgreSQL cannot store (found by schemathesis) is refused with a 422 and leaves nothing behind."""

import json

from .conftest import PASSWORD

# The request body exactly as the fuzzer sent it (U+0000 inside the name); it used to be a 500.
FUZZED_REGISTRATION = (
    '{"full_name": "G\\u0000\\u00a5\\u00a3\\u00ad\\uda18\\uddb5_%w$(O", "password": "correct horse battery",'
    ' "email": "r@gu3.z09.test"}'
)


def test_registering_with_a_nul_character_in_the_name_is_a_422_and_creates_no_account(gateway):
    refused = gateway.post("/api/v1/auth/register", json=json.loads(FUZZED_REGISTRATION))

    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert list(refused.json["errors"]) == ["full_name"]
    assert gateway.session_cookie() is None
    assert gateway.register("r@gu3.z09.test", full_name="G").status_code == 201


def test_signing_in_with_a_nul_character_in_the_password_is_a_422_not_a_500(gateway, another_browser):
    gateway.register("nul@example.org")

    response = another_browser.login("nul@example.org", password=PASSWORD + "\x00")

    assert response.status_code == 422 and list(response.json["errors"]) == ["password"]
