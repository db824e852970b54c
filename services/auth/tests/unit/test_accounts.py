import contextlib

import pytest

from auth_service.domain.passwords import check_password_policy
from auth_service.domain.users import Role
from auth_service.service_layer.accounts import (
    my_account,
    register,
    sign_in,
    verify_email,
)
from auth_service.service_layer.sessions import ClientInfo, current_session
from hospital_shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)

from .conftest import run

CLIENT = ClientInfo(user_agent="pytest", ip_address="192.0.2.1")


def _sign_in(ports, email, password, client=CLIENT):
    return run(sign_in, ports, email=email, password=password, client=client, previous_secret=None)


def test_registering_creates_a_signed_in_patient_and_mails_a_verification_link(ports):
    signed_in = run(
        register,
        ports,
        email=" Ann@Example.org ",
        password="correct horse",
        full_name="Ann Example",
        client=CLIENT,
        previous_secret=None,
    )
    assert signed_in.user.role is Role.PATIENT
    assert signed_in.user.email == "ann@example.org"
    assert not signed_in.user.email_verified
    assert run(current_session, ports, secret=signed_in.secret).user_id == signed_in.user.id
    assert ports.mailer.sent[-1].to == "ann@example.org"
    assert ports.mailer.last_link().startswith("https://hospital.test/verify-email#token=")


def test_the_mailed_verification_link_verifies_the_email_once(ports):
    run(
        register,
        ports,
        email="ann@example.org",
        password="correct horse",
        full_name="Ann",
        client=CLIENT,
        previous_secret=None,
    )
    token = ports.mailer.last_token()
    assert run(verify_email, ports, token=token).email_verified
    with pytest.raises(BadRequest):
        run(verify_email, ports, token=token)


@pytest.mark.parametrize("password", ["short", "", "1234567", "é" * 37, "x" * 73])
def test_passwords_shorter_than_8_or_longer_than_72_bytes_are_refused_with_a_clear_message(ports, password):
    with pytest.raises(ValidationFailed) as refused:
        run(
            register,
            ports,
            email="ann@example.org",
            password=password,
            full_name="Ann",
            client=CLIENT,
            previous_secret=None,
        )
    assert "password" in refused.value.errors
    assert (
        "at least 8" in refused.value.errors["password"][0]
        or "at most 72 bytes" in refused.value.errors["password"][0]
    )


def test_passwords_of_exactly_8_and_72_bytes_are_accepted():
    check_password_policy("1234567x")
    check_password_policy("é" * 36)


def test_registering_a_taken_email_is_refused_after_spending_the_same_hashing_time(ports, add_user):
    add_user("ann@example.org")
    hashed = []
    original = ports.hasher.hash
    ports.hasher.hash = lambda password: hashed.append(password) or original(password)
    with pytest.raises(Conflict):
        run(
            register,
            ports,
            email="ann@example.org",
            password="another pw",
            full_name="Eve",
            client=CLIENT,
            previous_secret=None,
        )
    assert hashed == ["another pw"]
    assert ports.mailer.sent[-1].subject == "Someone tried to register with your email address"


def test_wrong_password_and_unknown_email_get_the_same_answer_and_the_same_work(ports, add_user):
    add_user("ann@example.org", password="correct horse")
    answers = []
    for email in ("ann@example.org", "nobody@example.org"):
        before = ports.hasher.verifications
        with pytest.raises(Unauthorized) as refused:
            _sign_in(ports, email, "wrong password")
        answers.append((refused.value.to_problem(), ports.hasher.verifications - before))
    assert answers[0] == answers[1]
    assert answers[0][1] == 1


def test_the_right_password_signs_in(ports, add_user):
    user = add_user("ann@example.org", password="correct horse")
    assert _sign_in(ports, "ANN@example.org", "correct horse").user.id == user.id


def test_an_account_without_a_password_cannot_be_signed_into_with_any_password(ports, add_user):
    add_user("doc@example.org", password=None, role=Role.DOCTOR)
    with pytest.raises(Unauthorized):
        _sign_in(ports, "doc@example.org", "")


def test_a_disabled_account_cannot_sign_in(ports, add_user):
    add_user("ann@example.org", disabled=True)
    with pytest.raises(Forbidden):
        _sign_in(ports, "ann@example.org", "correct horse")


def test_many_wrong_passwords_lock_the_account_briefly_and_the_owner_gets_in_after_the_cool_down(
    ports, add_user
):
    add_user("ann@example.org", password="correct horse")
    refused = 0
    for _ in range(20):
        try:
            _sign_in(ports, "ann@example.org", "guess")
        except TooManyRequests as locked:
            refused += 1
            assert int(locked.headers["Retry-After"]) <= 300
        except Unauthorized:
            pass
    assert refused >= 10
    with pytest.raises(TooManyRequests):
        _sign_in(ports, "ann@example.org", "correct horse")
    ports.clock.advance(minutes=5, seconds=1)
    assert _sign_in(ports, "ann@example.org", "correct horse").user.email == "ann@example.org"
    assert not [key for key in ports.attempts.failures if key.startswith("login:account:")]


def test_a_lock_never_outlasts_the_maximum_after_the_last_real_attempt(ports, add_user):
    add_user("ann@example.org")
    for _ in range(40):
        with contextlib.suppress(TooManyRequests, Unauthorized):
            _sign_in(ports, "ann@example.org", "guess")
        ports.clock.advance(seconds=30)
    ports.clock.advance(minutes=5)
    assert _sign_in(ports, "ann@example.org", "correct horse")


def test_unknown_emails_are_locked_exactly_like_known_ones(ports):
    outcomes = []
    for _ in range(8):
        try:
            _sign_in(ports, "nobody@example.org", "guess")
            outcomes.append("ok")
        except TooManyRequests:
            outcomes.append(429)
        except Unauthorized:
            outcomes.append(401)
    assert outcomes[:5] == [401] * 5
    assert 429 in outcomes


def test_one_client_address_guessing_many_accounts_is_stopped(ports, add_user):
    add_user("ann@example.org")
    for number in range(100):
        with pytest.raises(Unauthorized):
            _sign_in(ports, f"user{number}@example.org", "guess")
    with pytest.raises(TooManyRequests):
        _sign_in(ports, "ann@example.org", "correct horse")
    assert _sign_in(ports, "ann@example.org", "correct horse", ClientInfo(ip_address="198.51.100.7"))


def test_my_account_of_a_disabled_user_is_unauthorized(ports, add_user):
    user = add_user(disabled=True)
    with pytest.raises(Unauthorized):
        run(my_account, ports, user_id=user.id)


def test_probing_for_taken_emails_by_registering_is_limited_per_client_address(ports, add_user):
    for number in range(100):
        add_user(f"user{number}@example.org")
    for number in range(100):
        with pytest.raises(Conflict):
            run(
                register,
                ports,
                email=f"user{number}@example.org",
                password="a password",
                full_name="Eve",
                client=CLIENT,
                previous_secret=None,
            )
    with pytest.raises(TooManyRequests):
        run(
            register,
            ports,
            email="fresh@example.org",
            password="a password",
            full_name="Eve",
            client=CLIENT,
            previous_secret=None,
        )
