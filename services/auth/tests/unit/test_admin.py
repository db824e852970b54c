import uuid

import pytest

from auth_service.domain.users import Role
from auth_service.service_layer.accounts import sign_in
from auth_service.service_layer.admin import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    change_role,
    create_or_reset_admin,
    create_staff_account,
    list_users,
    seed_demo_accounts,
    set_account_disabled,
)
from auth_service.service_layer.passwords import reset_password
from auth_service.service_layer.sessions import ClientInfo, current_session, start_session
from hospital_shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .conftest import as_admin, run

CLIENT = ClientInfo(ip_address="192.0.2.1")


def test_an_admin_creates_a_doctor_who_sets_a_password_from_the_mail_and_signs_in(ports):
    doctor = run(create_staff_account, ports, email="doc@example.org", full_name="Dr. Who", role=Role.DOCTOR)
    assert not doctor.has_password
    assert ports.mailer.last_link().startswith("https://hospital.test/set-password#token=")
    run(reset_password, ports, token=ports.mailer.last_token(), new_password="doctor password")
    signed_in = run(
        sign_in,
        ports,
        email="doc@example.org",
        password="doctor password",
        client=CLIENT,
        previous_secret=None,
    )
    assert signed_in.user.role is Role.DOCTOR
    assert signed_in.user.email_verified


def test_admins_cannot_create_patients_or_duplicate_emails(ports, add_user):
    add_user("ann@example.org")
    with pytest.raises(ValidationFailed):
        run(create_staff_account, ports, email="p@example.org", full_name="P", role=Role.PATIENT)
    with pytest.raises(Conflict):
        run(create_staff_account, ports, email="ANN@example.org", full_name="Ann", role=Role.ADMIN)


def test_disabling_an_account_ends_its_sessions_at_once_and_enabling_allows_sign_in_again(ports, add_user):
    admin, ann = add_user("admin@example.org", role=Role.ADMIN), add_user("ann@example.org")
    session = run(start_session, ports, user=ann, client=CLIENT, previous_secret=None)
    run(set_account_disabled, ports, user_id=ann.id, disabled=True, actor=as_admin(admin))
    assert run(current_session, ports, secret=session.secret) is None
    with pytest.raises(Forbidden):
        run(
            sign_in,
            ports,
            email="ann@example.org",
            password="correct horse",
            client=CLIENT,
            previous_secret=None,
        )
    run(set_account_disabled, ports, user_id=ann.id, disabled=False, actor=as_admin(admin))
    assert run(
        sign_in, ports, email="ann@example.org", password="correct horse", client=CLIENT, previous_secret=None
    )


def test_an_admin_cannot_disable_their_own_account(ports, add_user):
    admin = add_user("admin@example.org", role=Role.ADMIN)
    with pytest.raises(Forbidden):
        run(set_account_disabled, ports, user_id=admin.id, disabled=True, actor=as_admin(admin))


def test_an_admin_changes_a_role_and_every_session_of_that_account_ends(ports, add_user, uow):
    admin, ann = add_user("admin@example.org", role=Role.ADMIN), add_user("ann@example.org")
    admin_session = run(start_session, ports, user=admin, client=CLIENT, previous_secret=None)
    phone, laptop = (
        run(start_session, ports, user=ann, client=CLIENT, previous_secret=None) for _ in range(2)
    )

    changed = run(change_role, ports, user_id=ann.id, role=Role.DOCTOR, actor=as_admin(admin))

    assert changed.role is Role.DOCTOR and uow.users.get(ann.id).role is Role.DOCTOR
    assert run(current_session, ports, secret=phone.secret) is None
    assert run(current_session, ports, secret=laptop.secret) is None
    assert run(current_session, ports, secret=admin_session.secret) is not None
    signed_in = run(
        sign_in, ports, email="ann@example.org", password="correct horse", client=CLIENT, previous_secret=None
    )
    assert signed_in.user.role is Role.DOCTOR


def test_giving_an_account_the_role_it_has_changes_nothing_and_ends_no_session(ports, add_user, uow):
    admin, ann = add_user("admin@example.org", role=Role.ADMIN), add_user("ann@example.org")
    session = run(start_session, ports, user=ann, client=CLIENT, previous_secret=None)
    commits = uow.commits

    same = run(change_role, ports, user_id=ann.id, role=Role.PATIENT, actor=as_admin(admin))

    assert same.role is Role.PATIENT and uow.commits == commits
    assert run(current_session, ports, secret=session.secret) is not None


def test_an_admin_cannot_change_their_own_role(ports, add_user, uow):
    admin = add_user("admin@example.org", role=Role.ADMIN)
    add_user("other-admin@example.org", role=Role.ADMIN)
    session = run(start_session, ports, user=admin, client=CLIENT, previous_secret=None)

    with pytest.raises(Conflict) as caught:
        run(change_role, ports, user_id=admin.id, role=Role.PATIENT, actor=as_admin(admin))

    assert "your own role" in caught.value.detail and list(caught.value.errors) == ["role"]
    assert uow.users.get(admin.id).role is Role.ADMIN
    assert run(current_session, ports, secret=session.secret) is not None


def test_the_last_enabled_admin_cannot_be_demoted_and_a_disabled_admin_does_not_count(ports, add_user, uow):
    # The actor's own account was disabled while their request was on its way: only `last` is left.
    actor = add_user("actor@example.org", role=Role.ADMIN, disabled=True)
    last = add_user("last@example.org", role=Role.ADMIN)

    with pytest.raises(Conflict) as caught:
        run(change_role, ports, user_id=last.id, role=Role.DOCTOR, actor=as_admin(actor))

    assert "last enabled admin" in caught.value.detail
    assert uow.users.get(last.id).role is Role.ADMIN
    demoted = run(change_role, ports, user_id=actor.id, role=Role.DOCTOR, actor=as_admin(last))
    assert demoted.role is Role.DOCTOR


def test_one_of_two_enabled_admins_can_be_demoted(ports, add_user):
    first, second = add_user("a@example.org", role=Role.ADMIN), add_user("b@example.org", role=Role.ADMIN)

    demoted = run(change_role, ports, user_id=second.id, role=Role.PATIENT, actor=as_admin(first))

    assert demoted.role is Role.PATIENT


def test_changing_the_role_of_an_unknown_account_is_not_found(ports, add_user):
    admin = add_user("admin@example.org", role=Role.ADMIN)

    with pytest.raises(NotFound):
        run(change_role, ports, user_id=uuid.uuid4(), role=Role.DOCTOR, actor=as_admin(admin))


def test_the_last_enabled_admin_cannot_be_disabled(ports, add_user, uow):
    actor = add_user("actor@example.org", role=Role.ADMIN, disabled=True)
    last = add_user("last@example.org", role=Role.ADMIN)

    with pytest.raises(Conflict):
        run(set_account_disabled, ports, user_id=last.id, disabled=True, actor=as_admin(actor))

    assert uow.users.get(last.id).disabled is False


def test_the_user_list_filters_by_role_and_pages(ports, add_user):
    for number in range(3):
        add_user(f"doc{number}@example.org", role=Role.DOCTOR)
    add_user("ann@example.org")
    page = run(list_users, ports, page=1, page_size=2, role=Role.DOCTOR, query=None)
    assert (len(page.items), page.total) == (2, 3)


def test_create_admin_creates_then_resets_an_existing_account(ports, add_user):
    user, created = run(create_or_reset_admin, ports, email="root@example.org", password="admin password")
    assert created and user.role is Role.ADMIN and user.email_verified
    session = run(start_session, ports, user=user, client=CLIENT, previous_secret=None)
    again, created_again = run(
        create_or_reset_admin, ports, email="root@example.org", password="other password"
    )
    assert not created_again and again.id == user.id
    assert run(current_session, ports, secret=session.secret) is None
    assert run(
        sign_in,
        ports,
        email="root@example.org",
        password="other password",
        client=CLIENT,
        previous_secret=None,
    )


def test_the_demo_seed_is_idempotent_and_uses_the_agreed_ids(ports):
    first = run(seed_demo_accounts, ports)
    second = run(seed_demo_accounts, ports)
    assert [created for _, created in first] == [True, True, True]
    assert [created for _, created in second] == [False, False, False]
    doctor = next(a for a in DEMO_ACCOUNTS if a.role is Role.DOCTOR)
    assert doctor.user_id == uuid.uuid5(uuid.NAMESPACE_URL, "hospital-demo:doctor@demo.hospital.test")
    signed_in = run(
        sign_in,
        ports,
        email="doctor@demo.hospital.test",
        password=DEMO_PASSWORD,
        client=CLIENT,
        previous_secret=None,
    )
    assert signed_in.user.id == doctor.user_id and signed_in.user.role is Role.DOCTOR
