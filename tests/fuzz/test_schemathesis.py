"""`make test`'s bounded fuzz: schemathesis on all four specs through a real gateway, as every caller.

A few examples per operation, mode and caller (FUZZ_EXAMPLES, default 3; about 2 minutes on two cores
after the stack is up). Any 5xx or any answer its spec does not describe fails the test that found it;
the summary prints one line per service and caller. `make fuzz` runs the same with more examples.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.stack import StackUnderTest
from tests.fuzz import fuzzing

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackUnderTest]:
    with fuzzing.fuzz_stack(tmp_path_factory.mktemp("fuzz-stack")) as running:
        yield running


@pytest.fixture(scope="module")
def everyone(stack: StackUnderTest) -> dict[str, fuzzing.Caller]:
    return fuzzing.callers(stack.url)


@pytest.fixture(scope="module")
def ids(stack: StackUnderTest, everyone: dict[str, fuzzing.Caller]) -> dict[str, dict[str, str]]:
    return fuzzing.known_ids(stack.url, everyone)


@pytest.mark.parametrize("role", fuzzing.ROLES)  # in this order: the admin's fuzzing may sign the others out
def test_no_generated_request_gets_a_5xx_or_an_answer_its_spec_does_not_describe(
    stack: StackUnderTest, everyone: dict[str, fuzzing.Caller], ids: dict[str, dict[str, str]], role: str
) -> None:
    failures: list[fuzzing.Failure] = []
    for area in fuzzing.AREAS:
        tally = fuzzing.fuzz_area(
            base_url=stack.url, area=area, caller=everyone[role], ids=ids[role], examples=EXAMPLES,
            seed=fuzzing.seed_from_env(),
        )  # fmt: skip
        fuzzing.SUMMARY.append(tally.line())
        failures += tally.failures
    fuzzing.with_traces(failures, Path(stack.directory) / "logs")
    assert not failures, f"{len(failures)} fuzz failures as {role}:\n\n" + "\n\n".join(
        f.text() for f in failures
    )


def test_a_control_character_in_a_header_is_the_gateways_400_problem(stack: StackUnderTest) -> None:
    # gunicorn refuses such a header with a text/html 400, which the auth subrequest turned into a 500.
    answer = requests.put(
        stack.url + "/api/v1/doctors/me/schedule", headers={"If-Match": "W/\x17"}, timeout=10
    )

    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
