"""How another service learns where to mail a user."""

import uuid

import pytest

from auth_service.service_layer.contacts import user_contact
from hospital_shared.errors import NotFound

from .conftest import run


def test_an_enabled_accounts_address_and_name_are_given(ports, add_user):
    ann = add_user("ann@example.org", email_verified=False)

    contact = run(user_contact, ports, user_id=ann.id)

    assert (contact.email, contact.full_name, contact.email_verified) == (
        "ann@example.org",
        "Ann Example",
        False,
    )


def test_a_disabled_account_is_answered_and_says_it_is_disabled(ports, add_user):
    disabled = add_user("gone@example.org", disabled=True)

    assert run(user_contact, ports, user_id=disabled.id).disabled is True


def test_an_unknown_account_is_not_found(ports):
    with pytest.raises(NotFound):
        run(user_contact, ports, user_id=uuid.uuid4())
