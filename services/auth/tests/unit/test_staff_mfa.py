"""Staff two-step sign-in: enrolment, the code step, recovery codes, limits, the mandatory setting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auth_service.domain import totp
from auth_service.domain.users import Role
from auth_service.service_layer import accounts, mfa
from auth_service.service_layer.sessions import ClientInfo, SignedIn
from hospital_shared.errors import Conflict, Forbidden, TooManyRequests, Unauthorized

from .conftest import KNOWN_PASSWORD, run

CLIENT = ClientInfo(user_agent="test", ip_address="192.0.2.7")


def _sign_in(ports, email="dr@example.org"):
    return run(
        accounts.sign_in,
        ports,
        email=email,
        password=KNOWN_PASSWORD,
        client=CLIENT,
        previous_secret=None,
    )


def _enrol(ports, user):
    enrolment = run(mfa.start_enrolment, ports, user_id=user.id)
    codes = run(
        mfa.confirm_enrolment, ports, user_id=user.id, code=totp.code_at(enrolment.secret, ports.clock.now())
    )
    ports.clock.advance(seconds=30)  # the confirming code's step is used up
    return enrolment.secret, codes


def _finish(ports, challenge, code, *, binding=None):
    return run(
        mfa.complete_sign_in,
        ports,
        token=challenge.token,
        code=code,
        binding=binding or challenge.binding,
        client=CLIENT,
        previous_secret=None,
    )


def test_a_doctor_enrols_and_then_signs_in_with_a_code_from_the_app(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, codes = _enrol(ports, doctor)
    assert len(codes) == 10
    assert run(mfa.status, ports, user=doctor).enrolled
    challenge = _sign_in(ports)
    assert isinstance(challenge, mfa.MfaChallengeIssued) and challenge.purpose == mfa.VERIFY
    assert ports.sessions.for_user(doctor.id) == []  # no session before the second step
    done = _finish(ports, challenge, totp.code_at(secret, ports.clock.now()))
    assert done.signed_in.user.id == doctor.id
    assert len(ports.sessions.for_user(doctor.id)) == 1


def test_a_code_is_accepted_once_even_in_a_second_sign_in(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, _ = _enrol(ports, doctor)
    code = totp.code_at(secret, ports.clock.now())
    _finish(ports, _sign_in(ports), code)
    with pytest.raises(Unauthorized, match="already used"):
        _finish(ports, _sign_in(ports), code)


def test_a_recovery_code_works_once(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    _, codes = _enrol(ports, doctor)
    _finish(ports, _sign_in(ports), codes[3])
    assert run(mfa.status, ports, user=doctor).recovery_codes_left == 9
    with pytest.raises(Unauthorized):
        _finish(ports, _sign_in(ports), codes[3])


def test_a_code_from_two_steps_ago_is_refused(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, _ = _enrol(ports, doctor)
    old = totp.code_at(secret, ports.clock.now())
    ports.clock.advance(seconds=60)
    with pytest.raises(Unauthorized):
        _finish(ports, _sign_in(ports), old)


def test_the_pending_sign_in_works_only_in_the_browser_that_entered_the_password(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, _ = _enrol(ports, doctor)
    challenge = _sign_in(ports)
    with pytest.raises(Unauthorized, match="Sign in again"):
        _finish(ports, challenge, totp.code_at(secret, ports.clock.now()), binding="another-browser")


def test_five_wrong_codes_end_the_pending_sign_in(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, _ = _enrol(ports, doctor)
    challenge = _sign_in(ports)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            _finish(ports, challenge, "000000")
    with pytest.raises(Unauthorized, match="Sign in again"):
        _finish(ports, challenge, totp.code_at(secret, ports.clock.now()))


def test_ten_wrong_codes_across_sign_ins_hold_the_account_back(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    secret, _ = _enrol(ports, doctor)
    for _ in range(2):
        challenge = _sign_in(ports)
        for _ in range(5):
            with pytest.raises(Unauthorized):
                _finish(ports, challenge, "000000")
    with pytest.raises(TooManyRequests):
        _finish(ports, _sign_in(ports), totp.code_at(secret, ports.clock.now()))


def test_patients_and_staff_without_mfa_get_a_session_straight_away(ports, add_user):
    add_user("pat@example.org")
    add_user("dr@example.org", role=Role.DOCTOR)
    assert isinstance(_sign_in(ports, "pat@example.org"), SignedIn)
    assert isinstance(_sign_in(ports, "dr@example.org"), SignedIn)


def test_an_admin_without_mfa_is_reminded_and_not_once_enrolled(ports, add_user):
    admin = add_user("admin@example.org", role=Role.ADMIN)
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    assert run(mfa.needs_reminder, ports, user=admin)
    assert not run(mfa.needs_reminder, ports, user=doctor)
    _enrol(ports, admin)
    assert not run(mfa.needs_reminder, ports, user=admin)


def test_patients_cannot_enrol(ports, add_user):
    patient = add_user("pat@example.org")
    with pytest.raises(Forbidden):
        run(mfa.start_enrolment, ports, user_id=patient.id)


def test_a_second_app_needs_the_first_turned_off(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    _enrol(ports, doctor)
    with pytest.raises(Conflict):
        run(mfa.start_enrolment, ports, user_id=doctor.id)
    with pytest.raises(Unauthorized):
        run(mfa.disable, ports, user_id=doctor.id, password="wrong password")
    run(mfa.disable, ports, user_id=doctor.id, password=KNOWN_PASSWORD)
    assert isinstance(_sign_in(ports), SignedIn)


def test_a_wrong_first_code_does_not_switch_mfa_on(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    run(mfa.start_enrolment, ports, user_id=doctor.id)
    with pytest.raises(Unauthorized):
        run(mfa.confirm_enrolment, ports, user_id=doctor.id, code="000000")
    assert not run(mfa.status, ports, user=doctor).enrolled
    assert isinstance(_sign_in(ports), SignedIn)


def test_when_mandatory_staff_without_mfa_may_only_enrol_and_then_are_signed_in(ports, add_user):
    ports.mfa_policy = replace(ports.mfa_policy, staff_required=True)
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    add_user("pat@example.org")
    assert isinstance(_sign_in(ports, "pat@example.org"), SignedIn)
    challenge = _sign_in(ports)
    assert isinstance(challenge, mfa.MfaChallengeIssued) and challenge.purpose == mfa.ENROL
    with pytest.raises(Unauthorized):
        _finish(ports, challenge, "000000")  # no authenticator yet: nothing to sign in with
    enrolment = run(
        mfa.start_enrolment_for_challenge, ports, token=challenge.token, binding=challenge.binding
    )
    done = _finish(ports, challenge, totp.code_at(enrolment.secret, ports.clock.now()))
    assert done.signed_in.user.id == doctor.id
    assert done.recovery_codes is not None and len(done.recovery_codes) == 10
    assert run(mfa.status, ports, user=doctor).required
    with pytest.raises(Forbidden):
        run(mfa.disable, ports, user_id=doctor.id, password=KNOWN_PASSWORD)
    ports.clock.advance(seconds=30)
    assert _sign_in(ports).purpose == mfa.VERIFY


def test_an_enrol_challenge_is_refused_for_an_account_that_already_has_mfa(ports, add_user):
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    _enrol(ports, doctor)
    challenge = _sign_in(ports)
    with pytest.raises(Conflict):
        run(mfa.start_enrolment_for_challenge, ports, token=challenge.token, binding=challenge.binding)


def test_a_second_factor_is_due_for_enrolled_staff_and_for_all_staff_while_mandatory(ports, add_user):
    patient = add_user("pat@example.org")
    doctor = add_user("dr@example.org", role=Role.DOCTOR)
    admin = add_user("admin@example.org", role=Role.ADMIN)
    assert not any(run(mfa.second_factor_due, ports, user=u) for u in (patient, doctor, admin))
    _enrol(ports, doctor)
    assert run(mfa.second_factor_due, ports, user=doctor)
    ports.mfa_policy = replace(ports.mfa_policy, staff_required=True)
    assert run(mfa.second_factor_due, ports, user=admin) and not run(
        mfa.second_factor_due, ports, user=patient
    )
