import uuid
from datetime import timedelta

import pytest

from auth_service.service_layer.sessions import (
    ClientInfo,
    current_session,
    list_sessions,
    revoke_session,
    sign_out,
    sign_out_everywhere,
    start_session,
    verify_request,
)
from hospital_shared.errors import Forbidden, NotFound, Unauthorized

from .conftest import run

CLIENT = ClientInfo(user_agent="pytest", ip_address="192.0.2.1")


def _verify(ports, secret, *, method="GET", required=True, origin=None, site=None, csrf=None):
    return run(
        verify_request,
        ports,
        session_secret=secret,
        method=method,
        origin=origin,
        sec_fetch_site=site,
        csrf_token=csrf,
        session_required=required,
    )


def test_a_new_sign_in_gets_a_new_session_id_and_ends_the_previous_one(ports, add_user):
    user = add_user()
    first = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    second = run(start_session, ports, user=user, client=CLIENT, previous_secret=first.secret)
    assert second.secret != first.secret
    assert len(second.secret) >= 43  # 256 bits, base64url
    assert run(current_session, ports, secret=first.secret) is None
    assert run(current_session, ports, secret=second.secret).user_id == user.id


def test_a_session_idle_for_longer_than_the_idle_timeout_has_ended(ports, add_user):
    signed_in = run(start_session, ports, user=add_user(), client=CLIENT, previous_secret=None)
    ports.clock.advance(minutes=29)
    assert run(current_session, ports, secret=signed_in.secret) is not None
    ports.clock.advance(minutes=29)  # activity restarted the idle timer
    assert run(current_session, ports, secret=signed_in.secret) is not None
    ports.clock.advance(minutes=31)
    assert run(current_session, ports, secret=signed_in.secret) is None
    assert ports.sessions.get(signed_in.secret) is None


def test_an_active_session_still_ends_at_its_absolute_lifetime(ports, add_user):
    signed_in = run(start_session, ports, user=add_user(), client=CLIENT, previous_secret=None)
    absolute_end = signed_in.session.created_at + ports.policy.sessions.absolute
    while ports.clock.now() + timedelta(minutes=29) < absolute_end:
        ports.clock.advance(minutes=29)
        assert run(current_session, ports, secret=signed_in.secret) is not None
    ports.clock.advance(minutes=29)
    assert run(current_session, ports, secret=signed_in.secret) is None


def test_required_mode_without_a_session_is_unauthorized(ports):
    with pytest.raises(Unauthorized):
        _verify(ports, None)
    with pytest.raises(Unauthorized):
        _verify(ports, "not-a-session")


def test_optional_mode_without_a_session_is_anonymous(ports):
    assert _verify(ports, None, required=False) is None
    assert _verify(ports, "stale", required=False, method="POST", origin="https://hospital.test") is None


def test_a_valid_session_is_recognised_in_both_modes(ports, add_user):
    user = add_user()
    signed_in = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    assert _verify(ports, signed_in.secret).user_id == user.id
    assert _verify(ports, signed_in.secret, required=False).role == user.role


@pytest.mark.parametrize("csrf", [None, "", "wrong-token"])
def test_an_unsafe_request_without_the_sessions_csrf_token_is_forbidden(ports, add_user, csrf):
    signed_in = run(start_session, ports, user=add_user(), client=CLIENT, previous_secret=None)
    with pytest.raises(Forbidden):
        _verify(ports, signed_in.secret, method="POST", csrf=csrf)
    with pytest.raises(Forbidden):
        _verify(ports, signed_in.secret, method="DELETE", required=False, csrf=csrf)


def test_an_unsafe_request_with_the_sessions_csrf_token_passes(ports, add_user):
    signed_in = run(start_session, ports, user=add_user(), client=CLIENT, previous_secret=None)
    token = signed_in.session.csrf_token
    assert _verify(ports, signed_in.secret, method="PATCH", csrf=token, origin="https://hospital.test")


def test_safe_methods_need_no_csrf_token(ports, add_user):
    signed_in = run(start_session, ports, user=add_user(), client=CLIENT, previous_secret=None)
    assert _verify(ports, signed_in.secret, method="GET")


@pytest.mark.parametrize(
    ("origin", "site"),
    [
        ("https://evil.test", None),
        ("null", None),
        (None, "cross-site"),
        ("https://hospital.test", "cross-site"),
    ],
)
def test_unsafe_requests_from_another_site_are_forbidden_even_anonymously(ports, origin, site):
    with pytest.raises(Forbidden):
        _verify(ports, None, method="POST", required=False, origin=origin, site=site)


def test_cross_site_reads_are_not_blocked_by_the_origin_check(ports):
    assert (
        _verify(ports, None, method="GET", required=False, origin="https://evil.test", site="cross-site")
        is None
    )


def test_sign_out_ends_only_that_session_and_sign_out_everywhere_ends_all(ports, add_user):
    user = add_user()
    phone = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    laptop = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    tablet = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    run(sign_out, ports, secret=phone.secret)
    assert run(current_session, ports, secret=phone.secret) is None
    assert run(current_session, ports, secret=laptop.secret) is not None
    assert run(sign_out_everywhere, ports, user_id=user.id) == 2
    assert run(current_session, ports, secret=tablet.secret) is None


def test_a_user_lists_and_revokes_their_own_sessions_but_not_anyone_elses(ports, add_user):
    ann, bob = add_user(), add_user("bob@example.org")
    ann_session = run(start_session, ports, user=ann, client=CLIENT, previous_secret=None)
    bob_session = run(start_session, ports, user=bob, client=CLIENT, previous_secret=None)
    assert [s.id for s in run(list_sessions, ports, user_id=ann.id).items] == [ann_session.session.id]
    with pytest.raises(NotFound):
        run(revoke_session, ports, user_id=ann.id, session_id=bob_session.session.id)
    with pytest.raises(NotFound):
        run(revoke_session, ports, user_id=ann.id, session_id=uuid.uuid4())
    run(revoke_session, ports, user_id=ann.id, session_id=ann_session.session.id)
    assert run(current_session, ports, secret=ann_session.secret) is None
    assert run(current_session, ports, secret=bob_session.secret) is not None


def test_sessions_are_listed_a_page_at_a_time_most_recently_used_first(ports, add_user):
    user = add_user()
    started = []
    for _ in range(3):
        started.append(run(start_session, ports, user=user, client=CLIENT, previous_secret=None).session.id)
        ports.clock.advance(minutes=1)
    second = run(list_sessions, ports, user_id=user.id, page=2, page_size=1)
    assert (second.items[0].id, second.page, second.page_size, second.total) == (started[1], 2, 1, 3)
    assert [s.id for s in run(list_sessions, ports, user_id=user.id, page=1, page_size=2).items] == started[
        :0:-1
    ]
    assert run(list_sessions, ports, user_id=user.id, page=3, page_size=2).items == []
