import uuid
from datetime import timedelta

import pytest

from auth_service.service_layer.sessions import (
    ClientInfo,
    VerifyRequest,
    current_session,
    list_sessions,
    revoke_session,
    sign_out,
    sign_out_everywhere,
    start_session,
    verify_request,
)
from hospital_shared.errors import Forbidden, NotFound, Unauthorized

CLIENT = ClientInfo(user_agent="pytest", ip_address="192.0.2.1")


def _verify(ports, secret, *, method="GET", required=True, origin=None, site=None, csrf=None):
    return verify_request(
        VerifyRequest(
            session_secret=secret,
            method=method,
            origin=origin,
            sec_fetch_site=site,
            csrf_token=csrf,
            session_required=required,
        ),
        ports=ports,
    )


def test_a_new_sign_in_gets_a_new_session_id_and_ends_the_previous_one(ports, add_user):
    user = add_user()
    first = start_session(user, ports=ports, client=CLIENT, previous_secret=None)
    second = start_session(user, ports=ports, client=CLIENT, previous_secret=first.secret)
    assert second.secret != first.secret
    assert len(second.secret) >= 43  # 256 bits, base64url
    assert current_session(first.secret, ports=ports) is None
    assert current_session(second.secret, ports=ports).user_id == user.id


def test_a_session_idle_for_longer_than_the_idle_timeout_has_ended(ports, add_user):
    signed_in = start_session(add_user(), ports=ports, client=CLIENT, previous_secret=None)
    ports.clock.advance(minutes=29)
    assert current_session(signed_in.secret, ports=ports) is not None
    ports.clock.advance(minutes=29)  # activity restarted the idle timer
    assert current_session(signed_in.secret, ports=ports) is not None
    ports.clock.advance(minutes=31)
    assert current_session(signed_in.secret, ports=ports) is None
    assert ports.sessions.get(signed_in.secret) is None


def test_an_active_session_still_ends_at_its_absolute_lifetime(ports, add_user):
    signed_in = start_session(add_user(), ports=ports, client=CLIENT, previous_secret=None)
    absolute_end = signed_in.session.created_at + ports.policy.sessions.absolute
    while ports.clock.now() + timedelta(minutes=29) < absolute_end:
        ports.clock.advance(minutes=29)
        assert current_session(signed_in.secret, ports=ports) is not None
    ports.clock.advance(minutes=29)
    assert current_session(signed_in.secret, ports=ports) is None


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
    signed_in = start_session(user, ports=ports, client=CLIENT, previous_secret=None)
    assert _verify(ports, signed_in.secret).user_id == user.id
    assert _verify(ports, signed_in.secret, required=False).role == user.role


@pytest.mark.parametrize("csrf", [None, "", "wrong-token"])
def test_an_unsafe_request_without_the_sessions_csrf_token_is_forbidden(ports, add_user, csrf):
    signed_in = start_session(add_user(), ports=ports, client=CLIENT, previous_secret=None)
    with pytest.raises(Forbidden):
        _verify(ports, signed_in.secret, method="POST", csrf=csrf)
    with pytest.raises(Forbidden):
        _verify(ports, signed_in.secret, method="DELETE", required=False, csrf=csrf)


def test_an_unsafe_request_with_the_sessions_csrf_token_passes(ports, add_user):
    signed_in = start_session(add_user(), ports=ports, client=CLIENT, previous_secret=None)
    token = signed_in.session.csrf_token
    assert _verify(ports, signed_in.secret, method="PATCH", csrf=token, origin="https://hospital.test")


def test_safe_methods_need_no_csrf_token(ports, add_user):
    signed_in = start_session(add_user(), ports=ports, client=CLIENT, previous_secret=None)
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
    phone = start_session(user, ports=ports, client=CLIENT, previous_secret=None)
    laptop = start_session(user, ports=ports, client=CLIENT, previous_secret=None)
    tablet = start_session(user, ports=ports, client=CLIENT, previous_secret=None)
    sign_out(phone.secret, ports=ports)
    assert current_session(phone.secret, ports=ports) is None
    assert current_session(laptop.secret, ports=ports) is not None
    assert sign_out_everywhere(user.id, ports=ports) == 2
    assert current_session(tablet.secret, ports=ports) is None


def test_a_user_lists_and_revokes_their_own_sessions_but_not_anyone_elses(ports, add_user):
    ann, bob = add_user(), add_user("bob@example.org")
    ann_session = start_session(ann, ports=ports, client=CLIENT, previous_secret=None)
    bob_session = start_session(bob, ports=ports, client=CLIENT, previous_secret=None)
    assert [s.id for s in list_sessions(ann.id, ports=ports).items] == [ann_session.session.id]
    with pytest.raises(NotFound):
        revoke_session(ann.id, bob_session.session.id, ports=ports)
    with pytest.raises(NotFound):
        revoke_session(ann.id, uuid.uuid4(), ports=ports)
    revoke_session(ann.id, ann_session.session.id, ports=ports)
    assert current_session(ann_session.secret, ports=ports) is None
    assert current_session(bob_session.secret, ports=ports) is not None


def test_sessions_are_listed_a_page_at_a_time_most_recently_used_first(ports, add_user):
    user = add_user()
    started = []
    for _ in range(3):
        started.append(start_session(user, ports=ports, client=CLIENT, previous_secret=None).session.id)
        ports.clock.advance(minutes=1)
    second = list_sessions(user.id, ports=ports, page=2, page_size=1)
    assert (second.items[0].id, second.page, second.page_size, second.total) == (started[1], 2, 1, 3)
    assert [s.id for s in list_sessions(user.id, ports=ports, page=1, page_size=2).items] == started[:0:-1]
    assert list_sessions(user.id, ports=ports, page=3, page_size=2).items == []
