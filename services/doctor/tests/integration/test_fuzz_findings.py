"""Inputs schemathesis sent through the gateway that got a 500 (tests/fuzz): each is a 4xx now."""

from flask.testing import FlaskClient

from .helpers import as_doctor, create_doctor


def test_a_specialization_that_is_neither_slug_nor_object_is_a_422_naming_the_field(
    client: FlaskClient,
) -> None:
    _doctor, user_id = create_doctor(client)

    response = client.patch(
        "/api/v1/doctors/me", json={"specializations": [-31934, []]}, headers=as_doctor(user_id)
    )

    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.json["errors"]) == ["specializations[0]", "specializations[1]"]
    assert '{"slug": "cardiology"}' in str(response.json["errors"])
