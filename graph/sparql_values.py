"""Pre-binding over the SPARQL Protocol: each bound variable is replaced by its term in the
query text, everywhere it occurs (subqueries too), as pyoxigraph's `substitutions` do.

The protocol has no pre-binding. A VALUES block would not reach into subqueries (a named query
may read its parameter in an inner SELECT, e.g. `BIND(COALESCE(?partnership, "…") AS ?key)`),
and a trailing VALUES only joins with the projected rows, after LIMIT. So the text is
tokenised (strings, IRIs and comments are never touched) and:

- a bound variable in a SELECT projection becomes `(term AS ?var)`, so the column remains,
  unless a later (inner) SELECT or BIND gives it its value (an outer projection that bound it
  again would be an error);
- in GROUP BY it becomes `(term)` (Virtuoso refuses `(term AS ?var)` there next to the
  projection's, Oxigraph a projection that rebinds a grouped variable);
- in ORDER BY, after `AS` (the target of BIND or of a projection) and in VALUES it is left
  alone; and wherever an inner SELECT already binds it, the outer clauses keep the variable;
- anywhere else it becomes the term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

_TOKEN: Final = re.compile(
    r'''(?P<skip>\#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>)'''
    r"""|(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)"""
    r"""|(?P<word>[A-Za-z][A-Za-z0-9_]*(?![:\w]))"""
    r"""|(?P<other>[^\s#"'<{}()?$,]+|\S)""",
)
_CLAUSE_END: Final = {"WHERE", "FROM", "HAVING", "LIMIT", "OFFSET", "VALUES", "ORDER", "GROUP",
                      "SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


class UnboundableQueryError(ValueError):
    """A binding that cannot be written into the query text."""


def term_text(term: object) -> str:
    if isinstance(term, NamedNode | Literal | Triple):
        return str(term)
    if isinstance(term, BlankNode):
        raise UnboundableQueryError("a blank node cannot be bound over the SPARQL protocol")
    raise UnboundableQueryError(f"cannot bind {term!r}")


def bind_values(query: str, bindings: Mapping[str, object] | None) -> str:
    """`query` with every bound variable replaced by its term."""
    if not bindings:
        return query
    terms = {name: term_text(term) for name, term in bindings.items()}
    edits: list[_Edit] = []
    clause = ""  # "select" (projection), "group", "order" or ""
    depth = braces = 0
    previous = ""
    selects: list[tuple[int, int]] = []  # open SELECTs: (start offset, brace depth)
    for match in _TOKEN.finditer(query):
        token = match[0]
        if match["word"]:
            word = token.upper()
            if word == "SELECT":
                clause, depth = "select", 0
                selects.append((match.start(), braces))
            elif word == "BY" and previous in ("GROUP", "ORDER"):
                clause, depth = previous.lower(), 0
            elif word in _CLAUSE_END and clause:
                clause = ""
            previous = word
            continue
        if token == "{":
            clause, braces = "", braces + 1
        elif token == "}":
            clause, braces = "", braces - 1
            while selects and selects[-1][1] > braces:
                selects.pop()
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif match["var"] and token[1:] in terms:
            if previous in ("AS", "VALUES"):
                kind = "target"
            elif clause in ("select", "group", "order") and depth == 0:
                kind = clause
            else:
                kind = "term"
            owner = selects[-1][0] if selects else -1
            edits.append(_Edit(match.start(), match.end(), token, kind, owner))
        if not match["skip"]:
            previous = token
    out: list[str] = []
    last = 0
    for edit in edits:
        term = terms[edit.variable[1:]]
        binders = [e for e in edits if e.variable == edit.variable and e.kind in ("select", "target")]
        if edit.kind in ("target", "order"):
            continue
        if edit.kind == "select":
            inner = any(e.start > edit.start for e in binders)
            if inner:
                continue
            replacement = f"({term} AS {edit.variable})"
        elif edit.kind == "group":
            inner = any(edit.owner < e.start < edit.start and e.owner != edit.owner for e in binders)
            if inner:
                continue
            replacement = f"({term})"
        else:
            replacement = term
        out += [query[last:edit.start], replacement]
        last = edit.end
    out.append(query[last:])
    return "".join(out)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    variable: str
    kind: str  # select, group, order, target or term
    owner: int  # offset of the SELECT whose clause holds it


_PREFIXED: Final = re.compile(r"([A-Za-z][\w.-]*)?:([\w.:%-]*[\w:%-])?")


def rename_iris(query: str, names: Mapping[str, str]) -> str:
    """`query` with every IRI in `names` (written `<iri>` or as a prefixed name) replaced by
    `<names[iri]>`; strings and comments are left alone.

    >>> rename_iris('PREFIX g: <http://x/g/> SELECT * { GRAPH g:a { ?s ?p "http://x/g/a" } '
    ...             'GRAPH <http://x/g/a> {} }', {"http://x/g/a": "http://x/1/a"})[24:]
    'SELECT * { GRAPH <http://x/1/a> { ?s ?p "http://x/g/a" } GRAPH <http://x/1/a> {} }'
    """
    if not names:
        return query
    prefixes: dict[str, str] = {}
    out: list[str] = []
    last = 0
    declaring: str | None = None  # after PREFIX: the prefix being declared
    expect_prefix = False
    for match in _TOKEN.finditer(query):
        token = match[0]
        replacement: str | None = None
        if match["word"]:
            expect_prefix = token.upper() == "PREFIX"
            continue
        if token.startswith("<") and match["skip"]:
            if declaring is not None:
                prefixes[declaring] = token[1:-1]
                declaring = None
            elif token[1:-1] in names:
                replacement = f"<{names[token[1:-1]]}>"
        elif match["other"] and expect_prefix and token.endswith(":"):
            declaring, expect_prefix = token[:-1], False
            continue
        elif match["other"] and ":" in token and not match["skip"]:
            found = _PREFIXED.match(token)
            iri = prefixes.get(found.group(1) or "") if found is not None else None
            if found is not None and iri is not None and iri + (found.group(2) or "") in names:
                replacement = f"<{names[iri + (found.group(2) or '')]}>" + token[found.end():]
        expect_prefix = False
        if replacement is not None:
            out += [query[last:match.start()], replacement]
            last = match.end()
    out.append(query[last:])
    return "".join(out)
