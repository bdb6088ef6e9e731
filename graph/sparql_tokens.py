"""A SPARQL tokenizer that knows where strings, IRIs and comments start and end.

It does not parse: it splits a query or update into the tokens of the SPARQL 1.1 grammar
(IRIREF, prefixed names, variables, the four string forms, comments, keywords, punctuation)
so that checks can look at keywords such as SERVICE and LOAD without being fooled by the same
word inside a string, an IRI, a prefixed name or a comment.

Like the engine (pyoxigraph 0.5, checked by a test), it reads `\\u` escapes only inside
strings and IRIs, never as part of a keyword.

>>> [t.text for t in tokens('SELECT * { ?s ?p "SERVICE <x>" } # SERVICE')]
['SELECT', '*', '{', '?s', '?p', '"SERVICE <x>"', '}']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import Final, NamedTuple
from urllib.parse import urljoin


class Kind(Enum):
    IRI = "iri"
    PNAME = "pname"
    VAR = "var"
    STRING = "string"
    BNODE = "bnode"
    LANGTAG = "langtag"
    NUMBER = "number"
    WORD = "word"
    PUNCT = "punct"


class SparqlLexError(ValueError):
    """The text cannot be split into SPARQL tokens (an unterminated string or IRI)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} at {line}:{column}")
        self.line = line
        self.column = column


class Token(NamedTuple):
    kind: Kind
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_VARNAME_START: Final = _PN_CHARS_BASE + "_0-9"
_PN_CHARS: Final = _PN_CHARS_BASE + "_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX: Final = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX: Final = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL: Final = (
    rf"(?:[{_PN_CHARS_BASE}_:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

_SKIP: Final = re.compile(r"(?:\s+|#[^\n\r]*)+")
_RULES: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    (Kind.IRI, re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')),
    (Kind.STRING, re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL)),
    (Kind.STRING, re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL)),
    (Kind.STRING, re.compile(r'"(?:[^"\\\n\r]|\\.)*"')),
    (Kind.STRING, re.compile(r"'(?:[^'\\\n\r]|\\.)*'")),
    (Kind.VAR, re.compile(rf"[?$][{_VARNAME_START}][{_VARNAME_START}\u00b7\u0300-\u036f\u203f-\u2040]*")),
    (Kind.BNODE, re.compile(rf"_:[{_PN_CHARS_BASE}_0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")),
    (Kind.PNAME, re.compile(rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?")),
    (Kind.LANGTAG, re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")),
    (Kind.NUMBER, re.compile(r"(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")),
    (Kind.WORD, re.compile(r"[A-Za-z_][A-Za-z0-9_]*")),
    (Kind.PUNCT, re.compile(r"\^\^|&&|\|\||!=|<=|>=|[^\s]")),
)
_UNTERMINATED: Final = (('"""', "long string"), ("'''", "long string"), ('"', "string"),
                        ("'", "string"))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


_TOKEN: Final = re.compile(
    "|".join(f"(?P<t{index}>{pattern.pattern})" if not pattern.flags & re.DOTALL
             else f"(?P<t{index}>(?s:{pattern.pattern}))"
             for index, (_, pattern) in enumerate(_RULES))
)
_KINDS: Final = {f"t{index}": kind for index, (kind, _) in enumerate(_RULES)}


def tokens(text: str) -> Iterator[Token]:
    """The tokens of `text`, without whitespace and comments; SparqlLexError if it cannot be
    split (an unterminated string), so a check never reads past something it did not see.
    One regular expression tries the rules in order, as the rules' list reads."""
    position = 0
    end = len(text)
    skip = _SKIP.match
    token = _TOKEN.match
    while True:
        skipped = skip(text, position)
        if skipped:
            position = skipped.end()
        if position >= end:
            return
        match = token(text, position)
        assert match is not None and match.lastgroup is not None  # PUNCT matches any character
        kind = _KINDS[match.lastgroup]
        if kind is Kind.PUNCT and text[position] in "\"'":
            _refuse_unterminated(text, position)
        yield Token(kind, match[0], position)
        position = match.end()


def _refuse_unterminated(text: str, position: int) -> None:
    for opener, what in _UNTERMINATED:
        if text.startswith(opener, position):
            raise SparqlLexError(f"unterminated {what}", *_position(text, position))


_ESCAPE: Final = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def iri_value(token: Token) -> str:
    """The IRI of an IRIREF token, `\\u` escapes resolved."""
    inner = token.text[1:-1]
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), inner)


def position_of(text: str, token: Token) -> str:
    """'line:column' of a token, for messages."""
    line, column = _position(text, token.start)
    return f"{line}:{column}"


class Prologue:
    """PREFIX and BASE declarations seen so far, to expand IRIs and prefixed names."""

    def __init__(self, base_iri: str | None) -> None:
        self.base = base_iri or ""
        self.prefixes: dict[str, str] = {}

    def resolve(self, token: Token) -> str | None:
        if token.kind is Kind.IRI:
            return urljoin(self.base, iri_value(token)) if self.base else iri_value(token)
        if token.kind is Kind.PNAME:
            prefix, _, local = token.text.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else namespace + local
        return None

    def declare(self, keyword: str, stream: Iterator[Token]) -> None:
        if keyword == "BASE":
            iri = next(stream, None)
            if iri is not None and iri.kind is Kind.IRI:
                self.base = self.resolve(iri) or self.base
        else:
            name, iri = next(stream, None), next(stream, None)
            if name is not None and iri is not None and iri.kind is Kind.IRI:
                resolved = self.resolve(iri)
                if resolved is not None:
                    self.prefixes[name.text.rstrip(":")] = resolved
