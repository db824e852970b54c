"""If-Match as RFC 9110 says, with one leniency: a bare version number means the same as its quoted tag."""

import pytest

from hospital_shared.errors import PreconditionFailed, PreconditionRequired
from hospital_shared.preconditions import (
    MalformedIfMatch,
    opaque_value,
    parse_if_match,
    require_if_match,
    strong_etag,
)


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"3"', True),
        ("3", True),
        (' "3" ', True),
        ('"2", "3"', True),
        ('"2",3', True),
        ("*", True),
        ('"2"', False),
        ("2", False),
        ('W/"3"', False),
        ('W/"3", "2"', False),
        ('W/"3", "3"', True),
    ],
)
def test_if_match_uses_the_strong_comparison(header: str, matches: bool) -> None:
    assert parse_if_match(header).matches('"3"') is matches


@pytest.mark.parametrize("header", ['"3', "W/3", '"3" "4"', ",", '"3",,"4"x'])
def test_what_is_no_entity_tag_list_is_malformed(header: str) -> None:
    with pytest.raises(MalformedIfMatch):
        parse_if_match(header)


def test_a_strong_etag_quotes_the_version() -> None:
    assert strong_etag(3) == '"3"'
    assert opaque_value('"3"') == "3"
    assert opaque_value('W/"3"') is None


def test_a_missing_if_match_is_refused_when_required() -> None:
    with pytest.raises(PreconditionRequired):
        require_if_match(None, '"3"', what="schedule")
    with pytest.raises(PreconditionRequired):
        require_if_match("  ", '"3"', what="schedule")


def test_a_missing_if_match_passes_when_optional() -> None:
    require_if_match(None, '"3"', what="profile", required=False)


def test_a_stale_tag_names_the_current_one() -> None:
    with pytest.raises(PreconditionFailed) as caught:
        require_if_match('"2"', '"3"', what="schedule")
    assert caught.value.extra == {"current_etag": '"3"'}
    assert "schedule changed" in (caught.value.detail or "")


def test_a_weak_tag_is_refused_with_a_reason() -> None:
    with pytest.raises(PreconditionFailed) as caught:
        require_if_match('W/"3"', '"3"', what="schedule")
    assert "strong" in (caught.value.detail or "")


def test_a_malformed_header_fails_the_precondition() -> None:
    with pytest.raises(PreconditionFailed):
        require_if_match('"3', '"3"', what="schedule")


@pytest.mark.parametrize("header", ['"3"', "3", "*", '"1", "3"'])
def test_a_matching_header_passes(header: str) -> None:
    require_if_match(header, '"3"', what="schedule")
