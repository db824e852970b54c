import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from auth_service.domain.id_token import b64url_encode
from auth_service.domain.users import Role
from auth_service.service_layer.admin import set_account_disabled
from auth_service.service_layer.identity_links import (
    IdentityLinked,
    IdentityLinkFailed,
    LinkStart,
    list_links,
    remove_link,
)
from auth_service.service_layer.openid_sign_in import (
    OpenIdCallback,
    OpenIdSignInFailed,
    finish_openid_sign_in,
    start_openid_sign_in,
)
from auth_service.service_layer.sessions import ClientInfo, start_session
from hospital_shared.errors import BadRequest, Conflict, NotFound, TooManyRequests

from .conftest import KNOWN_PASSWORD, as_admin, run

CLIENT = ClientInfo(ip_address="192.0.2.1")
ISSUER = "https://issuer.test"


def _signed_in(ports, user):
    return run(start_session, ports, user=user, client=CLIENT, previous_secret=None)


def _start_link(ports, signed_in, password=KNOWN_PASSWORD):
    started = run(
        start_openid_sign_in,
        ports,
        state_ttl_seconds=600,
        link=LinkStart(user_id=signed_in.user.id, session=signed_in.session, password=password),
    )
    params = {k: v[0] for k, v in parse_qs(urlsplit(started.authorization_url).query).items()}
    return started, params


def _queue_id_token(ports, params, **changes):
    now = ports.clock.now().timestamp()
    claims = {
        "iss": ISSUER,
        "aud": "client-1",
        "sub": "google-123",
        "exp": now + 300,
        "iat": now,
        "nonce": params["nonce"],
        "email": "someone@gmail.test",
        "email_verified": True,
    } | changes
    header = b64url_encode(json.dumps({"alg": "RS256", "kid": "k"}).encode())
    payload = b64url_encode(json.dumps(claims).encode())
    ports.openid.next_id_token = f"{header}.{payload}.{b64url_encode(b's')}"


def _finish(ports, started, params, *, secret):
    return run(
        finish_openid_sign_in,
        ports,
        callback=OpenIdCallback(
            state=params["state"], code="code-1", error=None, browser_binding=started.browser_binding
        ),
        client=CLIENT,
        previous_secret=secret,
    )


def _link(ports, signed_in, **claims):
    started, params = _start_link(ports, signed_in)
    _queue_id_token(ports, params, **claims)
    return _finish(ports, started, params, secret=signed_in.secret)


def _google_sign_in(ports, **claims):
    started = run(start_openid_sign_in, ports, state_ttl_seconds=600)
    params = {k: v[0] for k, v in parse_qs(urlsplit(started.authorization_url).query).items()}
    _queue_id_token(ports, params, **claims)
    return _finish(ports, started, params, secret=None)


def test_a_signed_in_admin_who_enters_the_password_again_links_google_and_is_mailed(ports, add_user):
    admin = add_user("root@example.org", role=Role.ADMIN)
    signed_in = _signed_in(ports, admin)
    sessions_before = dict(ports.sessions.by_secret)

    linked = _link(ports, signed_in)

    assert linked == IdentityLinked(user_id=admin.id, issuer=ISSUER)
    assert ports.uow().identities.links == {(ISSUER, "google-123"): admin.id}
    assert ports.sessions.by_secret.keys() == sessions_before.keys()  # a link starts no session
    mail = ports.mailer.sent[-1]
    assert mail.to == "root@example.org" and "linked a issuer.test account" in mail.body
    assert "https://hospital.test/account" in mail.body
    assert _google_sign_in(ports).user.id == admin.id  # from now on that Google user signs in as the admin


def test_a_linked_staff_account_whose_second_factor_is_due_is_refused_by_google_sign_in(ports, add_user):
    doctor = add_user("doc@example.org", role=Role.DOCTOR)
    _link(ports, _signed_in(ports, doctor))
    assert _google_sign_in(ports).user.id == doctor.id  # no second factor due: Google signs in
    ports.mfa_policy = replace(ports.mfa_policy, staff_required=True)
    sessions_before = len(ports.sessions.by_secret)
    with pytest.raises(OpenIdSignInFailed, match="mfa_required"):
        _google_sign_in(ports)
    assert len(ports.sessions.by_secret) == sessions_before


def test_a_wrong_password_starts_no_link_and_repeated_tries_are_refused(ports, add_user):
    signed_in = _signed_in(ports, add_user(role=Role.DOCTOR))
    for _ in range(ports.policy.account_lockout.max_failures):
        with pytest.raises(BadRequest, match="password is not right"):
            _start_link(ports, signed_in, password="guess")
    assert ports.pending_sign_ins.pending == {}
    with pytest.raises(TooManyRequests):
        _start_link(ports, signed_in)  # even the right password, until the window has passed


def test_an_account_without_a_password_is_told_to_set_one_first(ports, add_user):
    signed_in = _signed_in(ports, add_user(password=None))
    with pytest.raises(Conflict, match="no password yet"):
        _start_link(ports, signed_in)


def test_the_link_is_finished_only_by_the_session_that_started_it(ports, add_user):
    ann = add_user()
    first, second = _signed_in(ports, ann), _signed_in(ports, ann)
    started, params = _start_link(ports, first)
    _queue_id_token(ports, params)
    with pytest.raises(IdentityLinkFailed) as failed:
        _finish(ports, started, params, secret=second.secret)
    assert failed.value.code == "link_session_changed"
    started, params = _start_link(ports, first)
    _queue_id_token(ports, params)
    with pytest.raises(IdentityLinkFailed, match="link_session_changed"):
        _finish(ports, started, params, secret=None)  # signed out meanwhile
    assert ports.uow().identities.links == {}
    assert ports.mailer.sent == []


def test_a_password_reset_while_at_the_provider_makes_the_link_fail(ports, uow, add_user):
    ann = add_user()
    signed_in = _signed_in(ports, ann)
    started, params = _start_link(ports, signed_in)
    # The reset committed; its deletion of the sessions has not happened yet (the session still looks live).
    uow.users.save(ann.with_password(ports.hasher.hash("a new password")))
    _queue_id_token(ports, params)
    with pytest.raises(IdentityLinkFailed, match="password_changed"):
        _finish(ports, started, params, secret=signed_in.secret)
    assert ports.uow().identities.links == {}


def test_a_google_user_linked_to_one_account_cannot_be_linked_to_another(ports, add_user):
    _link(ports, _signed_in(ports, add_user("ann@example.org")))
    with pytest.raises(IdentityLinkFailed, match="identity_taken"):
        _link(ports, _signed_in(ports, add_user("bob@example.org")))


def test_a_refused_provider_answer_during_a_link_is_reported_as_a_link_failure(ports, add_user):
    signed_in = _signed_in(ports, add_user())
    started, params = _start_link(ports, signed_in)
    with pytest.raises(IdentityLinkFailed, match="token_exchange_failed"):
        _finish(ports, started, params, secret=signed_in.secret)  # no ID token queued: the exchange fails


def test_links_are_listed_and_removed_by_their_owner_only(ports, add_user):
    ann, bob = add_user("ann@example.org"), add_user("bob@example.org")
    _link(ports, _signed_in(ports, ann))
    [link] = run(list_links, ports, user_id=ann.id)
    assert link.issuer == ISSUER and link.email_at_link == "someone@gmail.test"
    with pytest.raises(NotFound):
        run(remove_link, ports, user_id=bob.id, link_id=link.id)
    run(remove_link, ports, user_id=ann.id, link_id=link.id)
    assert run(list_links, ports, user_id=ann.id) == []
    with pytest.raises(NotFound):
        run(remove_link, ports, user_id=ann.id, link_id=link.id)


def test_disabling_an_account_removes_its_links(ports, add_user):
    admin = add_user("root@example.org", role=Role.ADMIN)
    doctor = add_user("doc@example.org", role=Role.DOCTOR)
    _link(ports, _signed_in(ports, doctor))
    run(set_account_disabled, ports, user_id=doctor.id, disabled=True, actor=as_admin(admin))
    run(set_account_disabled, ports, user_id=doctor.id, disabled=False, actor=as_admin(admin))
    assert run(list_links, ports, user_id=doctor.id) == []
