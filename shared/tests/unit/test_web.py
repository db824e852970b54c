"""The shared app defaults: problem+json for every failure, the internal-token guard, identity, readiness."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from hospital_shared.access import current_identity, require_identity
from hospital_shared.errors import Conflict, TooManyRequests, Unauthorized
from hospital_shared.health import ReadinessCheck
from hospital_shared.identity import identity_headers
from hospital_shared.settings import ServiceSettings
from hospital_shared.web import create_service_app

TOKEN = "shared-test-token"


class PetSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=5))
    owner = fields.Nested(
        Schema.from_dict({"age": fields.Integer(required=True)}, name="Owner"), required=True
    )
    vets = fields.List(fields.Nested(Schema.from_dict({"name": fields.String(required=True)}, name="Vet")))


blp = Blueprint("pets", __name__, url_prefix="/api/v1/pets")


@blp.route("")
class Pets(MethodView):
    @blp.arguments(PetSchema)
    @blp.response(201, PetSchema)
    def post(self, pet: dict) -> dict:
        """Add a pet."""
        if pet["name"] == "taken":
            raise Conflict("That name is taken.")
        if pet["name"] == "boom":
            raise RuntimeError("secret internals")
        if pet["name"] == "slow":
            raise TooManyRequests("Wait a bit.", retry_after=7)
        return pet


@blp.route("/mine")
class MyPets(MethodView):
    @require_identity("patient")
    def get(self) -> dict:
        """The caller's pets."""
        identity = current_identity()
        assert identity is not None
        return {"owner": str(identity.user_id)}


@blp.route("/mine/forget")
class ForgetMyPets(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """Forget the caller's pets."""


@blp.route("/kennels/")
class Kennels(MethodView):
    def get(self) -> dict:
        """Declared with a trailing slash, as a careless route might be."""
        return {"kennels": []}


def failing_check() -> None:
    raise ConnectionError("no route to the moon\nsecond line")


@pytest.fixture
def app() -> Flask:
    settings = ServiceSettings(environment="test", internal_token=TOKEN, service_name="pets")
    return create_service_app(
        settings,
        container=object(),
        title="Pets",
        blueprints=[blp],
        readiness_checks=[ReadinessCheck("moon", failing_check)],
    )


@pytest.fixture
def client(app: Flask):
    return app.test_client()


def post(client, body: object):
    return client.post("/api/v1/pets", json=body, headers={"X-Internal-Token": TOKEN})


def test_validation_errors_are_422_problem_json_naming_nested_fields(client) -> None:
    response = post(client, {"name": "much too long", "owner": {}})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == 422 and body["title"] == "Validation failed"
    assert set(body["errors"]) == {"name", "owner.age"}
    assert "name" in body["detail"]


def test_malformed_json_is_a_4xx_problem(client) -> None:
    response = client.post(
        "/api/v1/pets",
        data="{not json",
        content_type="application/json",
        headers={"X-Internal-Token": TOKEN},
    )
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"


def test_domain_problems_keep_their_status_and_headers(client) -> None:
    conflict = post(client, {"name": "taken", "owner": {"age": 3}})
    assert conflict.status_code == 409 and conflict.json["detail"] == "That name is taken."
    slow = post(client, {"name": "slow", "owner": {"age": 3}})
    assert slow.status_code == 429 and slow.headers["Retry-After"] == "7"


def test_unexpected_errors_are_500_without_internals(client) -> None:
    response = post(client, {"name": "boom", "owner": {"age": 3}})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "secret internals" not in response.get_data(as_text=True)
    assert response.json["request_id"] == response.headers["X-Request-ID"]


def test_text_the_database_cannot_store_is_a_422_naming_each_field_before_any_view_runs(client) -> None:
    # Found by schemathesis: U+0000 (and unpaired surrogates) in JSON text reached PostgreSQL and made a 500.
    raw = '{"name": "a\\u0000b", "owner": {"age": 3, "nick\\ud800": "x"}, "tags": ["ok", "\\udc00"]}'
    response = client.post(
        "/api/v1/pets", data=raw, content_type="application/json", headers={"X-Internal-Token": TOKEN}
    )
    query = client.get("/api/v1/pets/mine?q=a%00b", headers=identity_headers(uuid.uuid4(), "patient", TOKEN))

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"name", "owner.nick\ud800", "tags[1]"}
    assert query.status_code == 422 and list(query.json["errors"]) == ["q"]


def test_text_with_any_other_unicode_is_left_to_the_schemas(client) -> None:
    response = post(client, {"name": "Zoë🐈", "owner": {"age": 3}})
    assert response.status_code == 201 and response.json["name"] == "Zoë🐈"


def test_business_routes_need_the_internal_token_but_health_does_not(client) -> None:
    assert client.post("/api/v1/pets", json={"name": "a", "owner": {"age": 1}}).status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_identity_comes_only_from_the_gateway_headers(client) -> None:
    me = uuid.uuid4()
    assert client.get("/api/v1/pets/mine", headers={"X-Internal-Token": TOKEN}).status_code == 401
    doctor = client.get("/api/v1/pets/mine", headers=identity_headers(me, "doctor", TOKEN))
    assert doctor.status_code == 403
    patient = client.get("/api/v1/pets/mine", headers=identity_headers(me, "patient", TOKEN))
    assert patient.json == {"owner": str(me)}
    nonsense = client.get("/api/v1/pets/mine", headers=identity_headers("not-a-uuid", "patient", TOKEN))
    assert nonsense.status_code == 401


def test_a_failing_readiness_check_is_503_with_its_first_line(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["moon"] == {"status": "unavailable", "detail": "no route to the moon"}


def test_metrics_count_requests_by_route_template(client) -> None:
    post(client, {"name": "a", "owner": {"age": 1}})
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'route="/api/v1/pets"' in metrics and 'service="pets"' in metrics


def test_without_instance_name_replicas_are_told_apart_by_host_name() -> None:
    import socket

    settings = ServiceSettings(environment="test", internal_token=TOKEN, service_name="pets")
    app = create_service_app(settings, container=object(), title="Pets", blueprints=[])
    served_by = app.test_client().get("/healthz").headers["X-Served-By"]
    assert served_by == f"pets@{socket.gethostname()}"


GATEWAY_ERRORS = Path(__file__).resolve().parents[3] / "gateway" / "errors"
HEADERS = {"X-Internal-Token": TOKEN}


def test_list_items_are_named_in_brackets_in_validation_errors(client) -> None:
    response = post(client, {"name": "a", "owner": {"age": 1}, "vets": [{"name": "Ann"}, {}]})
    assert response.status_code == 422
    assert response.json["errors"] == {"vets[1].name": ["Missing data for required field."]}
    assert response.json["detail"] == "Some fields are invalid: vets[1].name."


@pytest.mark.parametrize("path", ["/api/v1/pets", "/api/v1/pets/"])
def test_a_path_with_or_without_a_trailing_slash_is_served_alike(client, path: str) -> None:
    response = client.post(path, json={"name": "a", "owner": {"age": 1}}, headers=HEADERS)
    assert response.status_code == 201 and response.json["name"] == "a"


@pytest.mark.parametrize("path", ["/api/v1/pets/kennels", "/api/v1/pets/kennels/"])
def test_a_route_declared_with_a_slash_is_served_without_it_and_never_redirects(client, path: str) -> None:
    response = client.get(path, headers=HEADERS)
    assert response.status_code == 200 and response.json == {"kennels": []}
    assert "Location" not in response.headers


def test_a_doubled_slash_is_a_404_problem_not_a_redirect(client) -> None:
    response = client.get("/api/v1//pets/mine", headers=HEADERS)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "name=a"),
        ("text/plain", '{"name": "a"}'),
        ("multipart/form-data; boundary=x", "--x--"),
        (None, '{"name": "a"}'),
    ],
)
def test_a_body_that_is_not_json_is_refused_with_415(client, content_type: str | None, body: str) -> None:
    headers = HEADERS | ({"Content-Type": content_type} if content_type else {})
    response = client.post("/api/v1/pets", data=body, headers=headers)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert response.json == {
        "type": "https://hospital.example/problems/unsupported-media-type",
        "title": "Unsupported media type",
        "status": 415,
        "detail": "Send JSON: Content-Type application/json.",
    }


def test_json_in_any_json_media_type_is_read(client) -> None:
    body = '{"name": "a", "owner": {"age": 1}}'
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post("/api/v1/pets", data=body, headers=HEADERS | {"Content-Type": content_type})
        assert response.status_code == 201, content_type


def test_a_request_without_a_body_needs_no_content_type(client) -> None:
    response = client.post("/api/v1/pets/mine/forget", headers=HEADERS)
    assert response.status_code == 204


def test_a_204_carries_no_body_and_no_content_type(client) -> None:
    response = client.post("/api/v1/pets/mine/forget", headers=HEADERS)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers


def test_services_say_sign_in_first_exactly_as_the_gateway_does(client) -> None:
    gateway = json.loads((GATEWAY_ERRORS / "401.json").read_text())
    anonymous = client.get("/api/v1/pets/mine", headers=HEADERS)
    assert anonymous.status_code == 401
    assert anonymous.json == gateway
    assert Unauthorized().to_problem() == gateway


@pytest.mark.parametrize(
    ("status", "method", "path"), [(404, "GET", "/api/v1/nowhere"), (405, "PUT", "/api/v1/pets")]
)
def test_an_unknown_address_or_method_reads_as_it_does_from_the_gateway(
    client, status: int, method: str, path: str
) -> None:
    gateway = json.loads((GATEWAY_ERRORS / f"{status}.json").read_text())
    response = client.open(path, method=method, headers=HEADERS)
    assert response.status_code == status
    assert response.json == gateway
