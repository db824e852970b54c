"""The patient profile's rules and use cases, with a fake repository."""

import uuid
from datetime import date

import pytest

from hospital_shared.errors import NotFound, ValidationFailed
from patient_service.domain.patient import PatientProfile, normalize_phone, profile_from_document
from patient_service.ports import PatientPage, PatientRepository, PatientUnitOfWork
from patient_service.service_layer.services import Actor, delete_profile, get_profile, put_profile

TODAY = date(2026, 6, 1)
DOC = {"full_name": "Maria Schmidt", "date_of_birth": "1985-04-12", "phone": "+49 30 1234567"}


class FakePatients(PatientRepository):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, PatientProfile] = {}

    def get(self, user_id, *, for_update=False):
        return self.rows.get(user_id)

    def put(self, profile):
        self.rows[profile.user_id] = profile

    def delete(self, user_id):
        return self.rows.pop(user_id, None) is not None

    def search(self, *, text, page, page_size):
        items = sorted(self.rows.values(), key=lambda p: p.full_name)
        return PatientPage(items=items, page=page, page_size=page_size, total=len(items))


class FakeUnitOfWork(PatientUnitOfWork):
    def __init__(self) -> None:
        self.patients = FakePatients()
        self.committed = False

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass


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
    actor = Actor(me, "patient")

    _, created = put_profile(uow, patient_id=me, actor=actor, document=DOC, today=lambda: TODAY)
    profile, created_again = put_profile(
        uow, patient_id=me, actor=actor, document={**DOC, "full_name": "Maria S."}, today=lambda: TODAY
    )

    assert (created, created_again) == (True, False)
    assert uow.committed
    assert get_profile(uow, patient_id=me, actor=actor) == profile


def test_someone_elses_profile_does_not_exist_for_a_patient_or_doctor() -> None:
    uow, owner = FakeUnitOfWork(), uuid.uuid4()
    put_profile(uow, patient_id=owner, actor=Actor(owner, "patient"), document=DOC, today=lambda: TODAY)

    for role in ("patient", "doctor"):
        with pytest.raises(NotFound):
            get_profile(uow, patient_id=owner, actor=Actor(uuid.uuid4(), role))
        with pytest.raises(NotFound):
            delete_profile(uow, patient_id=owner, actor=Actor(uuid.uuid4(), role))
    assert owner in uow.patients.rows


def test_an_admin_reads_any_profile() -> None:
    uow, owner = FakeUnitOfWork(), uuid.uuid4()
    put_profile(uow, patient_id=owner, actor=Actor(owner, "patient"), document=DOC, today=lambda: TODAY)

    assert get_profile(uow, patient_id=owner, actor=Actor(uuid.uuid4(), "admin")).full_name == "Maria Schmidt"
