"""Must show 9, service side: a doctor enrols TOTP, signs in with a code, a recovery code works once,
and staff without MFA are refused when it is mandatory. Real PostgreSQL and Redis; the test moves the clock"""

from __future__ import annotations

import uuid
from dataclasses import replace

import sqlalchemy

from auth_service.domain import totp
from auth_service.domain.users import Role
from auth_service.service_layer.sessions import sign_out_everywhere

from .conftest import PASSWORD, Gateway, create_admin

MFA = "/api/v1/auth/login/mfa"


def _staff(app, gateway: Gateway, email: str = "dr.grey@example.org", role: Role = Role.DOCTOR) -> str:
    """A staff account with PASSWORD (registered as a patient, then given the role in the database)."""
    registered = gateway.register(email).json
    user_id = registered["id"]
    gateway.post("/api/v1/auth/logout", csrf=registered["csrf_token"])
    with app.extensions["container"].ports.uow() as uow:
        user = uow.users.get(uuid.UUID(user_id))
        uow.users.save(user.with_role(role))
        uow.commit()
    return user_id


def _enrolled_doctor(app, gateway: Gateway, clock) -> tuple[str, list[str]]:
    _staff(app, gateway)
    csrf = gateway.login("dr.grey@example.org").json["csrf_token"]
    enrolment = gateway.post("/api/v1/auth/mfa/totp", csrf=csrf)
    assert enrolment.status_code == 201, enrolment.json
    secret = enrolment.json["secret"]
    code = totp.code_at(secret, clock.now())
    confirmed = gateway.post("/api/v1/auth/mfa/totp/confirm", json={"code": code}, csrf=csrf)
    assert confirmed.status_code == 200, confirmed.json
    gateway.post("/api/v1/auth/logout", csrf=csrf)
    clock.advance(seconds=30)  # the confirming code's step is used up
    return secret, confirmed.json["recovery_codes"]


def test_a_doctor_enrols_an_authenticator_and_signs_in_with_its_code(app, gateway, clock):
    secret, codes = _enrolled_doctor(app, gateway, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = gateway.login("dr.grey@example.org")
    assert first.status_code == 200
    assert first.json["mfa_required"] is True and "id" not in first.json
    assert gateway.session_cookie() is None  # no session before the second step
    assert gateway.get("/api/v1/auth/me").status_code == 401
    wrong = gateway.post(MFA, json={"mfa_token": first.json["mfa_token"], "code": "000000"})
    assert wrong.status_code == 401 and wrong.mimetype == "application/problem+json"
    assert "code" in wrong.json["errors"]
    code = totp.code_at(secret, clock.now())
    done = gateway.post(MFA, json={"mfa_token": first.json["mfa_token"], "code": code})
    assert done.status_code == 200, done.json
    assert done.json["role"] == "doctor" and done.json["csrf_token"]
    me = gateway.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json["id"] == done.json["id"]
    status = gateway.get("/api/v1/auth/mfa").json
    assert status == {"enrolled": True, "required": False, "recovery_codes_left": 10}
    # The finished pending sign-in cannot start a second session, nor the same code another sign-in.
    csrf = done.json["csrf_token"]
    again = gateway.post(MFA, json={"mfa_token": first.json["mfa_token"], "code": code}, csrf=csrf)
    assert again.status_code == 401
    second = gateway.login("dr.grey@example.org", csrf=csrf)
    replay = gateway.post(MFA, json={"mfa_token": second.json["mfa_token"], "code": code}, csrf=csrf)
    assert replay.status_code == 401


def test_a_recovery_code_signs_in_once_and_a_second_use_fails(app, gateway, another_browser, clock):
    _, codes = _enrolled_doctor(app, gateway, clock)
    pending = gateway.login("dr.grey@example.org").json["mfa_token"]
    used = gateway.post(MFA, json={"mfa_token": pending, "code": codes[0].lower()})
    assert used.status_code == 200, used.json
    assert gateway.get("/api/v1/auth/mfa").json["recovery_codes_left"] == 9
    pending = another_browser.login("dr.grey@example.org").json["mfa_token"]
    reused = another_browser.post(MFA, json={"mfa_token": pending, "code": codes[0]})
    assert reused.status_code == 401
    assert another_browser.session_cookie() is None


def test_recovery_codes_and_the_secret_are_not_stored_in_the_clear_as_codes(
    app, gateway, clock, database_url
):
    _, codes = _enrolled_doctor(app, gateway, clock)
    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as connection:
        stored = (
            connection.execute(sqlalchemy.text("SELECT code_hash FROM mfa_recovery_codes")).scalars().all()
        )
    engine.dispose()
    assert len(stored) == 10
    assert not set(stored) & {c for c in codes} and not any(c.replace("-", "") in stored for c in codes)


def test_the_pending_sign_in_works_only_in_the_browser_that_gave_the_password(
    app, gateway, another_browser, clock
):
    secret, _ = _enrolled_doctor(app, gateway, clock)
    pending = gateway.login("dr.grey@example.org").json["mfa_token"]
    stolen = another_browser.post(MFA, json={"mfa_token": pending, "code": totp.code_at(secret, clock.now())})
    assert stolen.status_code == 401
    assert another_browser.session_cookie() is None


def test_five_wrong_codes_end_the_pending_sign_in(app, gateway, clock):
    secret, _ = _enrolled_doctor(app, gateway, clock)
    pending = gateway.login("dr.grey@example.org").json["mfa_token"]
    statuses = [
        gateway.post(MFA, json={"mfa_token": pending, "code": f"00000{n}"}).status_code for n in range(5)
    ]
    assert statuses == [401] * 5
    late = gateway.post(MFA, json={"mfa_token": pending, "code": totp.code_at(secret, clock.now())})
    assert late.status_code == 401 and "Sign in again" in late.json["detail"]


def test_the_pending_sign_in_expires_in_redis(app, gateway, clock, redis_db):
    _enrolled_doctor(app, gateway, clock)
    gateway.login("dr.grey@example.org")
    keys = list(redis_db.scan_iter("auth:mfa-pending:*"))
    assert len(keys) == 1 and 0 < redis_db.ttl(keys[0]) <= 300


def test_bad_input_to_the_code_step_is_a_422_problem(gateway):
    answer = gateway.post(MFA, json={"mfa_token": "", "code": "x" * 100})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert set(answer.json["errors"]) >= {"code"}


def test_an_admin_without_mfa_is_reminded_at_sign_in_and_in_me(app, gateway, clock):
    create_admin(app, "root@example.org")
    signed_in = gateway.login("root@example.org")
    assert signed_in.json["mfa_reminder"] is True
    assert gateway.get("/api/v1/auth/me").json["mfa_reminder"] is True
    csrf = signed_in.json["csrf_token"]
    secret = gateway.post("/api/v1/auth/mfa/totp", csrf=csrf).json["secret"]
    gateway.post("/api/v1/auth/mfa/totp/confirm", json={"code": totp.code_at(secret, clock.now())}, csrf=csrf)
    assert gateway.get("/api/v1/auth/me").json["mfa_reminder"] is False


def test_patients_cannot_enrol(gateway):
    csrf = gateway.register("pat@example.org").json["csrf_token"]
    refused = gateway.post("/api/v1/auth/mfa/totp", csrf=csrf)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_turning_mfa_off_needs_the_password(app, gateway, clock):
    secret, _ = _enrolled_doctor(app, gateway, clock)
    pending = gateway.login("dr.grey@example.org").json["mfa_token"]
    csrf = gateway.post(MFA, json={"mfa_token": pending, "code": totp.code_at(secret, clock.now())}).json[
        "csrf_token"
    ]
    wrong = gateway.post("/api/v1/auth/mfa/totp/disable", json={"password": "not it"}, csrf=csrf)
    assert wrong.status_code == 401
    assert (
        gateway.post("/api/v1/auth/mfa/totp/disable", json={"password": PASSWORD}, csrf=csrf).status_code
        == 204
    )
    gateway.post("/api/v1/auth/logout", csrf=csrf)
    assert "csrf_token" in gateway.login("dr.grey@example.org").json


def test_when_mfa_is_mandatory_staff_without_it_are_refused_and_may_only_enrol(app, gateway, clock):
    ports = app.extensions["container"].ports
    ports.mfa_policy = replace(ports.mfa_policy, staff_required=True)
    _staff(app, gateway)
    patient = gateway.register("pat@example.org").json
    gateway.post("/api/v1/auth/logout", csrf=patient["csrf_token"])
    patient = gateway.login("pat@example.org").json  # patients are not concerned
    gateway.post("/api/v1/auth/logout", csrf=patient["csrf_token"])

    refused = gateway.login("dr.grey@example.org")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["mfa_enrolment_required"] is True
    assert "authenticator app" in refused.json["detail"]
    assert gateway.session_cookie() is None
    assert gateway.get("/api/v1/auth/me").status_code == 401
    token = refused.json["mfa_token"]
    enrolment = gateway.post(f"{MFA}/enrol", json={"mfa_token": token})
    assert enrolment.status_code == 200
    assert enrolment.json["otpauth_uri"].startswith("otpauth://totp/Hospital:dr.grey@example.org?")
    done = gateway.post(
        MFA, json={"mfa_token": token, "code": totp.code_at(enrolment.json["secret"], clock.now())}
    )
    assert done.status_code == 200, done.json
    assert done.json["role"] == "doctor" and len(done.json["recovery_codes"]) == 10
    assert gateway.get("/api/v1/auth/mfa").json["required"] is True
    csrf = done.json["csrf_token"]
    kept = gateway.post("/api/v1/auth/mfa/totp/disable", json={"password": PASSWORD}, csrf=csrf)
    assert kept.status_code == 403


def test_a_revocation_between_the_password_and_the_code_leaves_no_session(app, gateway, clock):
    secret, _ = _enrolled_doctor(app, gateway, clock)
    pending = gateway.login("dr.grey@example.org").json["mfa_token"]
    ports = app.extensions["container"].ports
    with ports.uow() as uow:
        user_id = uow.users.by_email("dr.grey@example.org").id
    # What a reset, a disable or a role change also does:
    sign_out_everywhere(user_id=user_id, sessions=ports.sessions)
    late = gateway.post(MFA, json={"mfa_token": pending, "code": totp.code_at(secret, clock.now())})
    assert late.status_code == 401
    assert gateway.get("/api/v1/auth/me").status_code == 401
