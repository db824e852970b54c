"""Conditional requests (RFC 9110 section 13): entity tags and the If-Match precondition.

Services version a resource with a whole number and send it as a strong ETag, `"3"`. A client edits it with
`If-Match: "3"`; a mismatch means someone else changed it meanwhile (412), a missing header on a whole
replacement is refused (428) so that nobody overwrites blindly.

What is accepted, and why:
- `"3"` and, leniently, `3` (the quotes are often lost by hand-written clients and shells): the same tag.
- A list, `"2", "3"`: passes when one member matches.
- `*`: passes whenever the resource exists (every caller here has just found it).
- Weak tags, `W/"3"`: never match, because If-Match uses the strong comparison; the answer says so.
No framework is imported: the domain may call this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hospital_shared.errors import PreconditionFailed, PreconditionRequired

# One member of an If-Match list: *, W/"opaque", "opaque" or a bare token such as 3 (lenient).
_MEMBER = re.compile(r'\s*(?:(\*)|(W/)?"([\x21\x23-\x7e\x80-\xff]*)"|([A-Za-z0-9._~-]+))\s*(?:,|$)')


@dataclass(frozen=True)
class IfMatch:
    """A parsed If-Match header."""

    any: bool = False
    strong: tuple[str, ...] = ()  # opaque values, without quotes
    weak: tuple[str, ...] = ()

    def matches(self, current_etag: str) -> bool:
        """Strong comparison against the current (strong) ETag; `*` matches any existing resource."""
        if self.any:
            return True
        opaque = opaque_value(current_etag)
        return opaque is not None and opaque in self.strong


class MalformedIfMatch(ValueError):
    """The header is no list of entity tags."""


def strong_etag(version: int | str) -> str:
    """The strong ETag of a version number, such as `"3"`."""
    return f'"{version}"'


def opaque_value(etag: str) -> str | None:
    """The opaque part of a strong ETag `"3"` (None for a weak or malformed one)."""
    etag = etag.strip()
    if len(etag) >= 2 and etag[0] == '"' and etag[-1] == '"':
        return etag[1:-1]
    return None


def parse_if_match(header: str) -> IfMatch:
    """Parse an If-Match value; raises MalformedIfMatch when it is no entity-tag list."""
    text = header.strip()
    if not text:
        raise MalformedIfMatch("empty If-Match")
    strong: list[str] = []
    weak: list[str] = []
    any_ = False
    position = 0
    while position < len(text):
        match = _MEMBER.match(text, position)
        if match is None or match.end() == position:
            raise MalformedIfMatch(f"not an entity tag list: {header!r}")
        star, weak_prefix, quoted, bare = match.groups()
        if star:
            any_ = True
        elif weak_prefix:
            weak.append(quoted)
        else:
            strong.append(quoted if quoted is not None else bare)
        position = match.end()
    return IfMatch(any=any_, strong=tuple(strong), weak=tuple(weak))


def require_if_match(header: str | None, current_etag: str, *, what: str, required: bool = True) -> None:
    """Check If-Match against the current ETag of `what` (such as "schedule"), raising the right problem.

    Missing header: 428 when `required`, otherwise nothing to check. Mismatch, weak-only or malformed: 412,
    with the current ETag in `current_etag` so the client can reload.
    """
    if header is None or not header.strip():
        if required:
            raise PreconditionRequired(
                f"Send If-Match with the ETag of the {what} you read (GET it first), such as {current_etag}."
            )
        return
    extra = {"current_etag": current_etag}
    try:
        condition = parse_if_match(header)
    except MalformedIfMatch:
        raise PreconditionFailed(
            f"If-Match is not an entity tag such as {current_etag}; nothing was changed.", extra=extra
        ) from None
    if condition.matches(current_etag):
        return
    if condition.weak and not condition.strong:
        raise PreconditionFailed(
            f"If-Match takes strong entity tags only (RFC 9110): send {current_etag}, not "
            f'W/"{condition.weak[0]}"; nothing was changed.',
            extra=extra,
        )
    raise PreconditionFailed(
        f"The {what} changed since you read it (now {current_etag}); reload it and retry.", extra=extra
    )
