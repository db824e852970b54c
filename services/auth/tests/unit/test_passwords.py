import pytest

from auth_service.service_layer.accounts import register, sign_in
from auth_service.service_layer.passwords import request_password_reset, reset_password
from auth_service.service_layer.sessions import ClientInfo, current_session, start_session
from hospital_shared.errors import BadRequest, Unauthorized, ValidationFailed

from .conftest import run

CLIENT = ClientInfo(ip_address="192.0.2.1")


def test_a_reset_request_for_an_unknown_email_sends_nothing_and_raises_nothing(ports):
    run(request_password_reset, ports, email="nobody@example.org")
    assert ports.mailer.sent == []


def test_the_mailed_reset_link_sets_a_new_password_once_and_ends_every_session(ports, add_user):
    user = add_user("ann@example.org", email_verified=False)
    other_device = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    run(request_password_reset, ports, email="ann@example.org")
    link = ports.mailer.last_link()
    assert link.startswith("https://hospital.test/reset-password#token=")
    token = ports.mailer.last_token()
    run(reset_password, ports, token=token, new_password="brand new pw")
    assert run(current_session, ports, secret=other_device.secret) is None
    assert run(
        sign_in, ports, email="ann@example.org", password="brand new pw", client=CLIENT, previous_secret=None
    )
    with pytest.raises(Unauthorized):
        run(
            sign_in,
            ports,
            email="ann@example.org",
            password="correct horse",
            client=CLIENT,
            previous_secret=None,
        )
    with pytest.raises(BadRequest):
        run(reset_password, ports, token=token, new_password="third new pw")
    assert ports.uow().users.get(user.id).email_verified


def test_a_reset_link_expires(ports, add_user):
    add_user("ann@example.org")
    run(request_password_reset, ports, email="ann@example.org")
    ports.clock.advance(minutes=31)
    with pytest.raises(BadRequest):
        run(reset_password, ports, token=ports.mailer.last_token(), new_password="brand new pw")


def test_a_used_reset_link_makes_older_unused_links_useless(ports, add_user):
    add_user("ann@example.org")
    run(request_password_reset, ports, email="ann@example.org")
    older = ports.mailer.last_token()
    ports.clock.advance(seconds=61)
    ports.attempts.seen.clear()
    run(request_password_reset, ports, email="ann@example.org")
    run(reset_password, ports, token=ports.mailer.last_token(), new_password="brand new pw")
    with pytest.raises(BadRequest):
        run(reset_password, ports, token=older, new_password="other new pw")


def test_repeated_reset_requests_do_not_flood_the_mailbox(ports, add_user):
    add_user("ann@example.org")
    for _ in range(5):
        run(request_password_reset, ports, email="ann@example.org")
    assert len(ports.mailer.sent) == 1


def test_a_bad_new_password_leaves_the_token_usable(ports, add_user):
    add_user("ann@example.org")
    run(request_password_reset, ports, email="ann@example.org")
    token = ports.mailer.last_token()
    with pytest.raises(ValidationFailed) as refused:
        run(reset_password, ports, token=token, new_password="short")
    assert "new_password" in refused.value.errors
    run(reset_password, ports, token=token, new_password="long enough")


def test_an_email_verification_token_cannot_reset_a_password(ports):
    run(
        register,
        ports,
        email="bob@example.org",
        password="correct horse",
        full_name="Bob",
        client=CLIENT,
        previous_secret=None,
    )
    with pytest.raises(BadRequest):
        run(reset_password, ports, token=ports.mailer.last_token(), new_password="brand new pw")
