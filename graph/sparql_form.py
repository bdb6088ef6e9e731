"""The form of a SPARQL request (SELECT, ASK, CONSTRUCT, DESCRIBE, or an update), read from
its text without running it, so the response format can be chosen first."""

from __future__ import annotations

import re
from typing import Final

_SKIP: Final = re.compile(
    r"""\s+|\#[^\n]*|(?i:PREFIX)\s+[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>""",
)
_KEYWORD: Final = re.compile(r"[A-Za-z]+")
QUERY_FORMS: Final = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(text: str) -> str | None:
    """'SELECT', 'ASK', 'CONSTRUCT', 'DESCRIBE', 'UPDATE' or None when unreadable."""
    position = 0
    while True:
        match = _SKIP.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
    keyword = _KEYWORD.match(text, position)
    if not keyword:
        return None
    word = keyword[0].upper()
    if word in QUERY_FORMS:
        return word
    if word in {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}:
        return "UPDATE"
    return None
