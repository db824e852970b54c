"""Issue 9, items 5, 6 and 9: common passwords refused, change-password, names, mails with no stranger's text,
tokens in the link's fragment, invitations of 24 hours at most and a per-recipient mail quota."""

from datetime import timedelta

import pytest

from auth_service.domain.names import name_problems
from auth_service.domain.one_time_tokens import TokenPurpose
from auth_service.domain.passwords import COMMON_PASSWORD, PERSONAL_PASSWORD, common_passwords
from auth_service.domain.users import Role
from auth_service.ports import RecipientMailLimit
from auth_service.service_layer.accounts import register
from auth_service.service_layer.admin import create_staff_account
from auth_service.service_layer.passwords import (
    WRONG_CURRENT_PASSWORD,
    change_password,
    request_password_reset,
    reset_password,
)
from auth_service.service_layer.sessions import ClientInfo, current_session, start_session
from hospital_shared.errors import BadRequest, ValidationFailed

from .conftest import run

CLIENT = ClientInfo(user_agent="pytest", ip_address="192.0.2.1")


class FakeMailLimit(RecipientMailLimit):
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def take(self, recipient_key: str, *, limit: int, window_seconds: int) -> bool:
        if self.counts.get(recipient_key, 0) >= limit:
            return False
        self.counts[recipient_key] = self.counts.get(recipient_key, 0) + 1
        return True


def _register(ports, email="ann@example.org", password="correct horse", name="Ann Example"):  # noqa: S107
    return run(
        register, ports, email=email, password=password, full_name=name, client=CLIENT, previous_secret=None
    )


def test_the_shipped_list_holds_django_s_common_passwords():
    listed = common_passwords()
    assert len(listed) >= 19_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= listed


@pytest.mark.parametrize("password", ["password", "Password1", "QWERTYUIOP", "iloveyou", " 123456789 "])
def test_a_common_password_is_refused_whatever_its_case(ports, password):
    with pytest.raises(ValidationFailed) as refused:
        _register(ports, password=password)
    assert refused.value.errors == {"password": [COMMON_PASSWORD]}
    assert ports.mailer.sent == []


@pytest.mark.parametrize("password", ["ann@example.org", "ANN@EXAMPLE.ORG", "Ann Example", "annexample"])
def test_a_password_equal_to_the_email_or_the_name_is_refused(ports, password):
    with pytest.raises(ValidationFailed) as refused:
        _register(ports, password=password)
    assert refused.value.errors == {"password": [PERSONAL_PASSWORD]}


def test_a_reset_to_a_common_password_is_refused_and_the_link_still_works(ports, add_user):
    add_user("ann@example.org")
    run(request_password_reset, ports, email="ann@example.org")
    token = ports.mailer.last_token()
    with pytest.raises(ValidationFailed):
        run(reset_password, ports, token=token, new_password="sunshine")
    with pytest.raises(ValidationFailed):
        run(reset_password, ports, token=token, new_password="ann@example.org")
    run(reset_password, ports, token=token, new_password="a calm blue heron")


def test_the_verification_mail_carries_no_text_the_registrant_wrote(ports):
    _register(ports, name="Visit evil example now")
    mail = ports.mailer.sent[-1]
    assert mail.subject == "Confirm your email address"
    assert "evil" not in mail.body.lower()
    assert "Visit" not in mail.body
    assert mail.body.startswith("Hello,\n")


def test_mailed_links_carry_the_token_in_the_fragment(ports, add_user):
    _register(ports)
    assert "/verify-email#token=" in ports.mailer.last_link()
    run(request_password_reset, ports, email="ann@example.org")
    assert "/reset-password#token=" in ports.mailer.last_link()
    run(create_staff_account, ports, email="doc@example.org", full_name="Dr. Who", role=Role.DOCTOR)
    assert "/set-password#token=" in ports.mailer.last_link()
    assert "?" not in ports.mailer.last_link()


def test_a_staff_invitation_is_valid_24_hours_at_most_even_if_configured_longer(ports):
    assert ports.policy.set_password_lifetime == timedelta(hours=72)
    assert ports.policy.token_lifetime(TokenPurpose.SET_PASSWORD) == timedelta(hours=24)
    run(create_staff_account, ports, email="doc@example.org", full_name="Dr. Who", role=Role.DOCTOR)
    assert "within 24 hours" in ports.mailer.sent[-1].body
    token = ports.mailer.last_token()
    ports.clock.advance(hours=24, seconds=1)
    with pytest.raises(BadRequest):
        run(reset_password, ports, token=token, new_password="doctor password")


def test_mails_to_one_address_stop_at_the_quota_and_the_caller_sees_no_difference(ports, add_user):
    ports.mail_limits = FakeMailLimit()
    add_user("ann@example.org")
    for _ in range(ports.policy.mails_per_recipient + 3):
        assert run(request_password_reset, ports, email="ann@example.org") is None
        ports.attempts.seen.clear()  # past the resend interval: only the quota stops mails now
    assert len(ports.mailer.sent) == ports.policy.mails_per_recipient
    # Another address has its own quota.
    _register(ports, email="bob@example.org", name="Bob")
    assert ports.mailer.sent[-1].to == "bob@example.org"


@pytest.mark.parametrize(
    "name",
    ["Ann O'Neill-Smith", "J.R.R. Tolkien", "Zoë Müller", "José (Pepe) García", "李小龍", "St. John, Jr."],
)
def test_names_of_people_are_accepted(name):
    assert name_problems(name) == []


@pytest.mark.parametrize(
    "name", ["Visit evil.example now", "http://x", "Ann <b>", "call 555 0100", "ann@example.org", "a/b", " "]
)
def test_names_that_could_carry_a_link_an_address_or_markup_are_refused(name):
    assert name_problems(name) != []


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(ports, add_user):
    user = add_user("ann@example.org")
    here = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    elsewhere = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    with pytest.raises(ValidationFailed) as refused:
        run(
            change_password,
            ports,
            user_id=user.id,
            current_password="not my password",
            new_password="a calm blue heron",
            client=CLIENT,
            previous_secret=here.secret,
        )
    assert refused.value.errors == {"current_password": [WRONG_CURRENT_PASSWORD]}
    assert run(current_session, ports, secret=elsewhere.secret) is not None

    changed = run(
        change_password,
        ports,
        user_id=user.id,
        current_password="correct horse",
        new_password="a calm blue heron",
        client=CLIENT,
        previous_secret=here.secret,
    )
    assert run(current_session, ports, secret=elsewhere.secret) is None
    assert run(current_session, ports, secret=here.secret) is None  # replaced by a new id
    assert run(current_session, ports, secret=changed.secret).user_id == user.id
    assert ports.hasher.verify("a calm blue heron", ports.uow().users.get(user.id).password_hash)


def test_changing_to_a_common_password_is_refused_and_nothing_changes(ports, add_user):
    user = add_user("ann@example.org")
    here = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    with pytest.raises(ValidationFailed) as refused:
        run(
            change_password,
            ports,
            user_id=user.id,
            current_password="correct horse",
            new_password="password123",
            client=CLIENT,
            previous_secret=here.secret,
        )
    assert refused.value.errors == {"new_password": [COMMON_PASSWORD]}
    assert run(current_session, ports, secret=here.secret) is not None
    assert ports.hasher.verify("correct horse", ports.uow().users.get(user.id).password_hash)
