"""The patient profile's rules and use cases, with fakes of the ports (tests/fakes.py)."""

import uuid
from datetime import UTC, date, datetime

import pytest

from hospital_shared.errors import NotFound, ServiceUnavailable, ValidationFailed
from hospital_shared.identity import Identity
from hospital_testing import FixedClock
from patient_service.domain.patient import normalize_phone, profile_from_document
from patient_service.service_layer.profiles import delete_profile, get_profile, put_profile

from ..fakes import FakeCareRelationships, FakeUnitOfWork

TODAY = date(2026, 6, 1)
CLOCK = FixedClock(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
DOC = {"full_name": "Maria Schmidt", "date_of_birth": "1985-04-12", "phone": "+49 30 1234567"}
NOBODY_TREATS = FakeCareRelationships()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("0049-30-1234567", "+49301234567"),
        ("(+1) 212.555.0100", "+12125550100"),
        ("030 1234567", None),
        ("+0 123 4567", None),
        ("call me", None),
    ],
)
def test_phone_numbers_are_kept_in_e164_form(raw, expected) -> None:
    assert normalize_phone(raw) == expected


def test_a_birth_date_today_or_later_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        profile_from_document(uuid.uuid4(), {**DOC, "date_of_birth": TODAY.isoformat()}, today=TODAY)

    assert caught.value.errors == {"date_of_birth": ["Must be in the past."]}


def test_the_first_put_creates_and_the_second_replaces() -> None:
    uow, me = FakeUnitOfWork(), uuid.uuid4()
    actor = Identity(me, "patient")

    _, created = put_profile(uow, patient_id=me, actor=actor, document=DOC, clock=CLOCK)
    profile, created_again = put_profile(
        uow, patient_id=me, actor=actor, document={**DOC, "full_name": "Maria S."}, clock=CLOCK
    )

    assert (created, created_again) == (True, False)
    assert uow.committed
    assert get_profile(uow, patient_id=me, actor=actor, care=NOBODY_TREATS) == profile


def test_someone_elses_profile_does_not_exist_for_a_patient_or_doctor() -> None:
    uow, owner = FakeUnitOfWork(), uuid.uuid4()
    put_profile(uow, patient_id=owner, actor=Identity(owner, "patient"), document=DOC, clock=CLOCK)

    for role in ("patient", "doctor"):
        with pytest.raises(NotFound):
            get_profile(uow, patient_id=owner, actor=Identity(uuid.uuid4(), role), care=NOBODY_TREATS)
        with pytest.raises(NotFound):
            delete_profile(uow, patient_id=owner, actor=Identity(uuid.uuid4(), role))
    assert owner in uow.patients.rows


def test_an_admin_reads_any_profile() -> None:
    uow, owner = FakeUnitOfWork(), uuid.uuid4()
    put_profile(uow, patient_id=owner, actor=Identity(owner, "patient"), document=DOC, clock=CLOCK)

    admin = Identity(uuid.uuid4(), "admin")
    assert get_profile(uow, patient_id=owner, actor=admin, care=NOBODY_TREATS).full_name == "Maria Schmidt"


def stored_profile() -> tuple[FakeUnitOfWork, uuid.UUID]:
    uow, owner = FakeUnitOfWork(), uuid.uuid4()
    put_profile(uow, patient_id=owner, actor=Identity(owner, "patient"), document=DOC, clock=CLOCK)
    return uow, owner


def test_a_doctor_reads_the_profile_of_a_patient_they_treat() -> None:
    uow, owner = stored_profile()
    doctor = uuid.uuid4()

    profile = get_profile(
        uow, patient_id=owner, actor=Identity(doctor, "doctor"), care=FakeCareRelationships((doctor, owner))
    )

    assert profile.full_name == "Maria Schmidt"


def test_a_doctor_without_an_appointment_with_the_patient_is_told_there_is_no_profile() -> None:
    uow, owner = stored_profile()
    treating, other = uuid.uuid4(), uuid.uuid4()
    care = FakeCareRelationships((treating, owner))

    with pytest.raises(NotFound):
        get_profile(uow, patient_id=owner, actor=Identity(other, "doctor"), care=care)
    assert care.asked == [(other, owner)]


def test_a_doctor_is_answered_alike_for_a_missing_and_a_hidden_profile() -> None:
    uow, owner = stored_profile()
    care = FakeCareRelationships()

    with pytest.raises(NotFound) as hidden:
        get_profile(uow, patient_id=owner, actor=Identity(uuid.uuid4(), "doctor"), care=care)
    with pytest.raises(NotFound) as missing:
        get_profile(uow, patient_id=uuid.uuid4(), actor=Identity(uuid.uuid4(), "doctor"), care=care)

    assert hidden.value.to_problem() == missing.value.to_problem()


def test_a_patient_is_never_let_in_by_a_relationship_meant_for_doctors() -> None:
    uow, owner = stored_profile()
    other_patient = uuid.uuid4()
    care = FakeCareRelationships((other_patient, owner))

    with pytest.raises(NotFound):
        get_profile(uow, patient_id=owner, actor=Identity(other_patient, "patient"), care=care)
    assert care.asked == []


def test_when_appointments_cannot_be_asked_a_doctor_gets_503_whether_or_not_the_profile_exists() -> None:
    uow, owner = stored_profile()
    care = FakeCareRelationships(down=True)

    for patient_id in (owner, uuid.uuid4()):
        with pytest.raises(ServiceUnavailable):
            get_profile(uow, patient_id=patient_id, actor=Identity(uuid.uuid4(), "doctor"), care=care)


def test_the_patient_and_admins_do_not_depend_on_appointment_ms() -> None:
    uow, owner = stored_profile()
    care = FakeCareRelationships(down=True)

    assert get_profile(uow, patient_id=owner, actor=Identity(owner, "patient"), care=care)
    assert get_profile(uow, patient_id=owner, actor=Identity(uuid.uuid4(), "admin"), care=care)
    assert care.asked == []


def test_a_treating_doctor_still_cannot_change_or_delete_the_profile() -> None:
    uow, owner = stored_profile()
    doctor = Identity(uuid.uuid4(), "doctor")

    with pytest.raises(NotFound):
        put_profile(uow, patient_id=owner, actor=doctor, document=DOC, clock=CLOCK)
    with pytest.raises(NotFound):
        delete_profile(uow, patient_id=owner, actor=doctor)
