"""The REST API keeps one contract for integrators, through the real gateway, on every service alike:
trailing slashes, redirects, media types, empty answers, field paths, "sign in first", paging, the docs'
files and the demo people's names (issue 10, consistency fixes)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from tests.e2e.browser import BrowserSession
from tests.e2e.stack import StackUnderTest

DEMO_PASSWORD = "demo-password-1"
PATIENT, DOCTOR, ADMIN = (f"{who}@demo.hospital.test" for who in ("patient", "doctor", "admin"))
SIGN_IN_FIRST = {
    "type": "https://hospital.example/problems/authentication-required",
    "title": "Authentication required",
    "status": 401,
    "detail": "Sign in first (or send a valid API key) to do this.",
}
NOT_JSON = {
    "type": "https://hospital.example/problems/unsupported-media-type",
    "title": "Unsupported media type",
    "status": 415,
    "detail": "Send JSON: Content-Type application/json.",
}
NOT_FOUND = {
    "type": "https://hospital.example/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "There is nothing at this address.",
}


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """The module's stack (tests/e2e/conftest.py) gets the demo data (its names are in the contract)."""
    return {"SEED_DEMO": "1"}


def signed_in(stack: StackUnderTest, email: str) -> BrowserSession:
    return BrowserSession(stack.url).login(email, DEMO_PASSWORD)


def get(session: BrowserSession, path: str) -> requests.Response:
    return session.get(path, allow_redirects=False)


# --------------------------------------------------------------------------- trailing slashes, redirects


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (PATIENT, "/api/v1/patients/me"),
        (PATIENT, "/api/v1/auth/me"),
        (PATIENT, "/api/v1/appointments"),
        (ADMIN, "/api/v1/auth/users"),
        (ADMIN, "/api/v1/patients"),
        (None, "/api/v1/doctors"),
        (None, "/api/v1/doctors/specializations"),
    ],
)
def test_a_trailing_slash_is_served_as_the_path_without_it(
    stack: StackUnderTest, who: str | None, path: str
) -> None:
    caller = signed_in(stack, who) if who else BrowserSession(stack.url)
    plain, slashed = get(caller, path), get(caller, path + "/")
    assert plain.status_code == 200, plain.text
    assert slashed.status_code == 200, slashed.text
    assert slashed.headers["Content-Type"] == plain.headers["Content-Type"] == "application/json"
    assert slashed.json() == plain.json()


def test_the_slot_finder_answers_with_or_without_the_slash_alike(stack: StackUnderTest) -> None:
    query = "?specialization=cardiology&limit=3"
    plain = stack.get(f"/api/v1/slots{query}", allow_redirects=False)
    slashed = stack.get(f"/api/v1/slots/{query}", allow_redirects=False)
    assert (plain.status_code, slashed.status_code) == (200, 200)
    assert slashed.json() == plain.json()


REDIRECT_CANDIDATES = [
    "/api/v1/auth",
    "/api/v1/auth/",
    "/api/v1/auth/me/",
    "/api/v1/auth/sessions/",
    "/api/v1/auth/users/",
    "/api/v1/patients/",
    "/api/v1/patients/me/",
    "/api/v1/appointments/",
    "/api/v1/doctors/",
    "/api/v1/doctors/me/",
    "/api/v1/doctors/me/schedule/",
    "/api/v1/slots/",
    "/api/v1/system/",
    "/api/v1//patients/me",
    "/api/v1/auth//me",
    "/api/v1/appointments//",
    "/api/docs",
    "/api/docs/",
]


@pytest.mark.parametrize("who", [None, ADMIN])
def test_no_api_path_answers_a_redirect(stack: StackUnderTest, who: str | None) -> None:
    caller = signed_in(stack, who) if who else BrowserSession(stack.url)
    answers = {path: get(caller, path) for path in REDIRECT_CANDIDATES}
    redirects = {
        path: (r.status_code, r.headers.get("Location"), r.headers.get("Content-Type"))
        for path, r in answers.items()
        if 300 <= r.status_code < 400
    }
    assert redirects == {}
    html = {
        path: r.status_code
        for path, r in answers.items()
        if path.startswith("/api/v1") and "html" in r.headers.get("Content-Type", "")
    }
    assert html == {}


def test_an_api_path_that_is_no_resource_is_the_gateways_404_problem(stack: StackUnderTest) -> None:
    patient = signed_in(stack, PATIENT)
    for path in ("/api/v1/auth", "/api/v1/auth/", "/api/v1//patients/me"):
        answer = get(patient, path)
        assert answer.status_code == 404, path
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json() == NOT_FOUND, path


# --------------------------------------------------------------------------- media types, empty answers


def test_a_body_that_is_not_json_is_refused_with_415_and_changes_nothing(stack: StackUnderTest) -> None:
    patient = signed_in(stack, PATIENT)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = [
        patient.post("/api/v1/auth/logout-all", data="a=b", headers=form),
        # no POST on this path (405 for JSON); raw client, as the specs document 415 only on their methods
        patient.http.post(
            stack.url + "/api/v1/patients/me", data="a=b", headers=form | {"X-CSRF-Token": patient.csrf_token}
        ),
        patient.put("/api/v1/patients/me", data='{"full_name": "X"}', headers={"Content-Type": "text/plain"}),
        patient.post("/api/v1/appointments", data="doctor_id=x", headers=form),
    ]
    for answer in refused:
        assert answer.status_code == 415, (answer.request.method, answer.request.path_url, answer.text)
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json() == NOT_JSON
    assert get(patient, "/api/v1/auth/me").status_code == 200  # still signed in: logout-all did not run
    assert get(patient, "/api/v1/patients/me").json()["full_name"] == "Paula Patient"


def test_json_with_a_charset_or_a_json_suffix_type_is_read(stack: StackUnderTest) -> None:
    patient = signed_in(stack, PATIENT)
    profile = get(patient, "/api/v1/patients/me").json()
    body = json.dumps({k: v for k, v in profile.items() if k != "user_id"})
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        answer = patient.put("/api/v1/patients/me", data=body, headers={"Content-Type": content_type})
        assert answer.status_code == 200, (content_type, answer.text)
        assert answer.json() == profile


def _other_session_of(person: BrowserSession) -> str:
    sessions = get(person, "/api/v1/auth/sessions?page_size=100").json()["items"]
    return next(s["id"] for s in sessions if not s["current"])


@pytest.mark.parametrize("ending", ["logout-all", "logout", "one session"])
def test_a_204_answer_has_no_body_and_no_content_type(stack: StackUnderTest, ending: str) -> None:
    patient = signed_in(stack, PATIENT)
    if ending == "one session":
        signed_in(stack, PATIENT)
        answer = patient.delete(f"/api/v1/auth/sessions/{_other_session_of(patient)}")
    else:
        answer = patient.post(f"/api/v1/auth/{ending}")
    assert answer.status_code == 204, answer.text
    assert answer.content == b""
    assert "Content-Type" not in answer.headers


# --------------------------------------------------------------------------- field paths, sign in first


def test_validation_errors_name_list_items_in_brackets(stack: StackUnderTest) -> None:
    doctor = signed_in(stack, DOCTOR)
    read = get(doctor, "/api/v1/doctors/me/schedule")
    schedule = read.json()
    schedule["weekly"]["monday"] = [{"start": "08:00", "end": "12:00"}, {"start": "9", "end": "17:00"}]
    shape = doctor.put(
        "/api/v1/doctors/me/schedule", json=schedule, headers={"If-Match": read.headers["ETag"]}
    )
    schedule["weekly"]["monday"] = [{"start": "10:00", "end": "09:00"}]
    rule = doctor.put(
        "/api/v1/doctors/me/schedule", json=schedule, headers={"If-Match": read.headers["ETag"]}
    )
    assert (shape.status_code, rule.status_code) == (422, 422)
    assert list(shape.json()["errors"]) == ["weekly.monday[1].start"]
    assert "weekly.monday[0].end" in rule.json()["errors"]
    assert get(doctor, "/api/v1/doctors/me/schedule").headers["ETag"] == read.headers["ETag"]  # unchanged


def test_sign_in_first_reads_the_same_from_the_gateway_and_from_every_service(stack: StackUnderTest) -> None:
    anonymous = BrowserSession(stack.url)
    answers = {
        "gateway (patients need a session)": get(anonymous, "/api/v1/patients/me"),
        "gateway (appointments need a session)": get(anonymous, "/api/v1/appointments"),
        "Auth-MS": get(anonymous, "/api/v1/auth/me"),
        "Auth-MS sessions": get(anonymous, "/api/v1/auth/sessions"),
        "Doctor-MS": get(anonymous, "/api/v1/doctors/me"),
    }
    for origin, answer in answers.items():
        assert answer.status_code == 401, origin
        assert answer.headers["Content-Type"] == "application/problem+json", origin
        assert answer.json() == SIGN_IN_FIRST, origin


# --------------------------------------------------------------------------- lists


def envelope(answer: requests.Response) -> tuple[int, int, int, int]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"items", "page", "page_size", "total"}, body
    return len(body["items"]), body["page"], body["page_size"], body["total"]


def _book_two_appointments(patient: BrowserSession, stack: StackUnderTest) -> None:
    deadline, booked = time.monotonic() + 30, 0
    while booked < 2 and time.monotonic() < deadline:
        slots = stack.get("/api/v1/slots?specialization=cardiology&limit=10")
        for slot in slots.json()["items"] if slots.ok else []:
            answer = patient.post(
                "/api/v1/appointments", json={"doctor_id": slot["doctor_id"], "start": slot["start"]}
            )
            booked += answer.status_code == 201
            if booked == 2:
                return
        time.sleep(0.5)
    assert booked == 2, "could not book two demo appointments"


def test_every_list_answers_the_one_envelope_and_honours_paging(stack: StackUnderTest) -> None:
    patient = signed_in(stack, PATIENT)
    for _ in range(2):
        signed_in(stack, PATIENT)  # three live sessions in all
    admin = signed_in(stack, ADMIN)
    _book_two_appointments(patient, stack)

    assert envelope(get(patient, "/api/v1/auth/sessions?page=2&page_size=1"))[:3] == (1, 2, 1)
    assert envelope(get(patient, "/api/v1/auth/sessions?page=1&page_size=100"))[3] >= 3
    assert envelope(get(patient, "/api/v1/auth/links?page=2&page_size=1")) == (0, 2, 1, 0)
    users = envelope(get(admin, "/api/v1/auth/users?page=2&page_size=1"))
    assert users[:3] == (1, 2, 1) and users[3] >= 3
    assert envelope(get(admin, "/api/v1/patients?page=1&page_size=1"))[:3] == (1, 1, 1)
    assert envelope(get(patient, "/api/v1/appointments?page=2&page_size=1")) == (1, 2, 1, 2)
    assert envelope(get(patient, "/api/v1/appointments?scope=upcoming&page=3&page_size=1")) == (0, 3, 1, 2)
    agenda = envelope(get(admin, "/api/v1/appointments?scope=upcoming&page=1&page_size=1"))
    assert agenda[:3] == (1, 1, 1) and agenda[3] >= 2
    slots = stack.get("/api/v1/slots?specialization=cardiology&limit=2")
    assert envelope(slots) == (2, 1, 2, 2)


def test_paging_parameters_out_of_range_are_a_422_naming_them(stack: StackUnderTest) -> None:
    patient = signed_in(stack, PATIENT)
    answer = get(patient, "/api/v1/auth/sessions?page=0&page_size=1000")
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"page", "page_size"}


# --------------------------------------------------------------------------- docs, demo data


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/docs/", "text/html"),
        ("/api/docs/index.html", "text/html"),
        ("/api/docs/init.js", "application/javascript"),
        ("/api/docs/vendor/swagger-ui.css", "text/css"),
        ("/api/docs/vendor/swagger-ui-bundle.js", "application/javascript"),
        ("/api/docs/vendor/swagger-ui-standalone-preset.js", "application/javascript"),
        ("/api/docs/vendor/favicon-32x32.png", "image/png"),
    ],
)
def test_the_api_docs_serve_their_page_script_and_vendor_files(
    stack: StackUnderTest, path: str, content_type: str
) -> None:
    answer = stack.get(path, allow_redirects=False)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == content_type


@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/package.json",
        "/api/docs/package-lock.json",
        "/api/docs/node_modules/swagger-ui-dist/package.json",
        "/api/docs/node_modules/",
        "/api/docs/vendor/",
        "/api/docs/vendor/package.json",
        "/api/docs/vendor/swagger-ui-bundle.js.map",
        "/api/docs/vendor/index.html",
        "/api/docs/vendor/swagger-initializer.js",
        "/api/docs/../docs/package.json",
    ],
)
def test_nothing_else_under_the_api_docs_is_served(stack: StackUnderTest, path: str) -> None:
    answer = stack.get(path, allow_redirects=False)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json() == NOT_FOUND


def _name_everywhere(stack: StackUnderTest, email: str, profile_path: str) -> set[str]:
    person = signed_in(stack, email)
    return {get(person, "/api/v1/auth/me").json()["full_name"], get(person, profile_path).json()["full_name"]}


def test_the_demo_people_have_one_name_in_every_service(stack: StackUnderTest) -> None:
    assert _name_everywhere(stack, PATIENT, "/api/v1/patients/me") == {"Paula Patient"}
    assert _name_everywhere(stack, DOCTOR, "/api/v1/doctors/me") == {"Dr. Emma Fischer"}
    admin = signed_in(stack, ADMIN)
    listed: dict[str, Any] = {
        u["email"]: u["full_name"] for u in get(admin, "/api/v1/auth/users?page_size=100").json()["items"]
    }
    assert (listed[PATIENT], listed[DOCTOR]) == ("Paula Patient", "Dr. Emma Fischer")
