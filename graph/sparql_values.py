"""Pre-binding over the SPARQL Protocol: the bindings as a VALUES block at the start of the
query's outermost group graph pattern.

The protocol has no pre-binding (pyoxigraph's `substitutions`). A VALUES block placed first in
the WHERE group binds the variables before any pattern, FILTER or OPTIONAL of that group sees
them, whether or not they are projected; a trailing VALUES clause would only join with the
projected results (after LIMIT), which is not the same query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

_TOKEN: Final = re.compile(
    r'''\#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\''(?:[^'\\]|\\.|'(?!''))*'\'\''|"(?:[^"\\\n]|\\.)*"'''
    r"""|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|[{}]|(?i:\bCONSTRUCT\b)|(?i:\bWHERE\b)|[^\s#"'<{}]+|\S""",
)


class UnboundableQueryError(ValueError):
    """The query has no group graph pattern to put bindings into."""


def _term(term: object) -> str:
    if isinstance(term, NamedNode | Literal | Triple):
        return str(term)
    if isinstance(term, BlankNode):
        raise TypeError("a blank node cannot be bound over the SPARQL protocol")
    raise TypeError(f"cannot bind {term!r}")


def where_start(query: str) -> int:
    """The offset just after the `{` that opens the outermost WHERE group."""
    construct = False
    for match in _TOKEN.finditer(query):
        token = match[0]
        upper = token.upper()
        if upper == "CONSTRUCT":
            construct = True
        elif upper == "WHERE":
            construct = False
        elif token == "{":
            if not construct:
                return match.end()
            construct = False  # the CONSTRUCT template: skip to its end
            depth = 1
            for inner in _TOKEN.finditer(query, match.end()):
                depth += {"{": 1, "}": -1}.get(inner[0], 0)
                if depth == 0:
                    break
            return where_start_after(query, inner.end())
    raise UnboundableQueryError("no WHERE group to bind values in")


def where_start_after(query: str, offset: int) -> int:
    for match in _TOKEN.finditer(query, offset):
        if match[0] == "{":
            return match.end()
    raise UnboundableQueryError("no WHERE group to bind values in")


def bind_values(query: str, bindings: Mapping[str, object] | None) -> str:
    """`query` with `bindings` as a VALUES block opening its WHERE group."""
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_term(term) for term in bindings.values())
    at = where_start(query)
    return f"{query[:at]} VALUES ({names}) {{ ({values}) }} {query[at:]}"
