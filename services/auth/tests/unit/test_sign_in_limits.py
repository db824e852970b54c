"""The sign-in limits (issue 9 item 2) and the session generation (item 3), with fakes of the ports."""

import pytest

from auth_service.service_layer.accounts import sign_in
from auth_service.service_layer.sessions import (
    SIGN_IN_INTERRUPTED,
    ClientInfo,
    current_session,
    sign_out_everywhere,
    start_session,
)
from hospital_shared.errors import TooManyRequests, Unauthorized

from .conftest import run

HOSPITAL = ClientInfo(user_agent="pytest", ip_address="192.0.2.10")
ATTACKER = ClientInfo(user_agent="curl", ip_address="203.0.113.66")
HOME = ClientInfo(user_agent="pytest", ip_address="198.51.100.7")


def _attempt(ports, password, client):
    try:
        run(sign_in, ports, email="ann@example.org", password=password, client=client, previous_secret=None)
        return 200
    except TooManyRequests:
        return 429
    except Unauthorized:
        return 401


@pytest.fixture
def owner(ports, add_user):
    user = add_user("ann@example.org")
    assert _attempt(ports, "correct horse", HOSPITAL) == 200  # the hospital becomes a usual network
    return user


def test_an_attacker_once_a_minute_never_locks_the_owner_out_of_her_usual_network(ports, owner):
    for minute in range(10):
        assert _attempt(ports, f"guess {minute}", ATTACKER) == 401
        ports.clock.advance(seconds=5)
        assert _attempt(ports, "correct horse", HOSPITAL) == 200
        ports.clock.advance(seconds=55)


def test_quick_guesses_lock_the_attackers_network_and_only_slow_the_account_elsewhere(ports, owner):
    outcomes = [_attempt(ports, f"guess {n}", ATTACKER) for n in range(12)]
    assert outcomes[:5] == [401] * 5 and set(outcomes[5:]) == {429}
    assert _attempt(ports, "correct horse", ATTACKER) == 429  # no oracle for the guesser
    assert _attempt(ports, "correct horse", HOME) == 429  # a new network waits (briefly)
    assert _attempt(ports, "correct horse", HOSPITAL) == 200


def test_after_the_wait_a_correct_password_from_a_new_network_gets_in_and_it_becomes_usual(ports, owner):
    for n in range(8):
        _attempt(ports, f"guess {n}", ATTACKER)
    assert _attempt(ports, "correct horse", HOME) == 429
    ports.clock.advance(minutes=5)
    assert _attempt(ports, "correct horse", HOME) == 200
    for n in range(8):
        _attempt(ports, f"guess {n}", ATTACKER)
    assert _attempt(ports, "correct horse", HOME) == 200  # now a usual network too


def test_guesses_from_the_usual_network_itself_still_lock_it(ports, owner):
    outcomes = [_attempt(ports, f"guess {n}", HOSPITAL) for n in range(8)]
    assert outcomes[:5] == [401] * 5 and 429 in outcomes


def test_a_session_started_from_a_generation_read_before_a_revocation_is_refused(ports, owner):
    generation = ports.sessions.generation(owner.id)
    run(sign_out_everywhere, ports, user_id=owner.id)
    with pytest.raises(Unauthorized, match=SIGN_IN_INTERRUPTED):
        run(start_session, ports, user=owner, client=HOSPITAL, previous_secret=None, generation=generation)
    assert ports.sessions.for_user(owner.id) == []


def test_a_revocation_ends_the_sessions_for_every_later_verify(ports, owner):
    signed_in = run(start_session, ports, user=owner, client=HOSPITAL, previous_secret=None)
    assert run(current_session, ports, secret=signed_in.secret) is not None
    run(sign_out_everywhere, ports, user_id=owner.id)
    assert run(current_session, ports, secret=signed_in.secret) is None
    again = run(start_session, ports, user=owner, client=HOSPITAL, previous_secret=None)
    assert run(current_session, ports, secret=again.secret) is not None
