"""What a person's name may hold: letters (any script), combining marks, spaces and . , ' - ( ).

Names are shown in pages and mails to other people; with no digits, '@', '/', ':' or '<' a name cannot carry
an address, a phone number or markup, and two words joined by a dot ("evil.example") are refused as a web
address.
"""

from __future__ import annotations

import re
import unicodedata

NAME_PUNCTUATION = frozenset(".,'-() \u2019")  # U+2019 is the typographic apostrophe
NAME_RULE = "Use letters, spaces and . , ' - ( ) only."
NAME_LOOKS_LIKE_ADDRESS = "A name cannot look like a web address (two words joined by a dot)."
_ADDRESS_SHAPE = re.compile(r"[^\W\d_]{2,}\.[^\W\d_]{2,}")


def name_problems(name: str) -> list[str]:
    """Why `name` is not acceptable as a person's name (empty when it is)."""
    if not name.strip():
        return ["Enter a name."]
    for char in name:
        if char in NAME_PUNCTUATION or unicodedata.category(char)[0] in {"L", "M"}:
            continue
        return [NAME_RULE]
    if _ADDRESS_SHAPE.search(name):
        return [NAME_LOOKS_LIKE_ADDRESS]
    return []
