"""Which queries are provably cheap: an upper bound on a query's solutions, read from its text
and the store's index without running it.

A query on `/sparql` that could run long goes to a worker process that is killed at its
deadline (`executor.py`), which costs a process round trip per query. A query whose triple patterns
all have a constant subject cannot burn: each pattern matches at most the triples of its
subject (with its predicate, when that is constant too), which the index counts in
microseconds, and the query has at most the product of those counts as solutions. Such a query
is answered in the server process when the bound is small (`QueryRunner`).

The language recognised is deliberately small: a prologue of PREFIX declarations; SELECT of
plain variables or `*`, ASK, or CONSTRUCT; groups of triples, FILTER and OPTIONAL; ORDER BY,
LIMIT and OFFSET. Anything else has no bound here and goes to a worker: a variable or blank
subject, a property path, a subquery, EXISTS, VALUES, BIND, GRAPH, SERVICE, aggregates,
dataset clauses, BASE, relative IRIs, escapes in prefixed names.

>>> anchored_patterns('SELECT ?p ?o WHERE { <http://example.org/a> ?p ?o }')
[Anchor(subject='http://example.org/a', predicate=None)]
>>> anchored_patterns('PREFIX ex: <http://example.org/> ASK { ex:a a ex:B ; ex:p ?o }')
... # doctest: +NORMALIZE_WHITESPACE
[Anchor(subject='http://example.org/a', predicate='http://www.w3.org/1999/02/22-rdf-syntax-ns#type'),
 Anchor(subject='http://example.org/a', predicate='http://example.org/p')]
>>> anchored_patterns('SELECT * { ?s ?p ?o }') is None
True
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Final

from healthgraph.graph.sparql_tokens import Kind, Prologue, SparqlLexError, Token, iri_value, tokens
from pyoxigraph import NamedNode
from pyoxigraph import Store as OxStore

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_TERM_KINDS: Final = frozenset({Kind.IRI, Kind.PNAME, Kind.VAR, Kind.BNODE, Kind.STRING,
                                Kind.NUMBER, Kind.LANGTAG})
_TEMPLATE_PUNCT: Final = frozenset({".", ";", ",", "^^", "-", "+"})


@dataclass(frozen=True)
class Anchor:
    """A triple pattern with a constant subject; `predicate` is None when it is a variable."""

    subject: str
    predicate: str | None


class _Unbounded(Exception):
    """The query is outside the language whose cost can be bounded from its text."""


class _Reader:
    def __init__(self, found: Sequence[Token], prologue: Prologue) -> None:
        self.tokens = found
        self.position = 0
        self.prologue = prologue
        self.anchors: list[Anchor] = []

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _Unbounded
        self.position += 1
        return token

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind is Kind.WORD and token.upper in words

    def at_punct(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind is Kind.PUNCT and token.text == text

    def expect_punct(self, text: str) -> None:
        if not self.at_punct(text):
            raise _Unbounded
        self.position += 1

    def iri(self, token: Token) -> str:
        """The absolute IRI of an IRI or prefixed-name token, exactly as the engine reads it."""
        if token.kind is Kind.PNAME and "\\" not in token.text:
            resolved = self.prologue.resolve(token)
        elif token.kind is Kind.IRI:
            resolved = iri_value(token)
        else:
            resolved = None
        if resolved is None or not _ABSOLUTE_IRI.match(resolved):
            raise _Unbounded
        return resolved


_GAP: Final = r"(?:\s|#[^\n\r]*)*"
_VARIABLE: Final = r"[?$][A-Za-z0-9_]+"
_IRI: Final = r"<[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*>"
_LOOKUP: Final = re.compile(
    rf"{_GAP}SELECT{_GAP}(?:(?:{_VARIABLE}{_GAP})+|\*{_GAP})(?:WHERE{_GAP})?\{{{_GAP}"
    rf"(?P<subject>{_IRI}){_GAP}(?:(?P<predicate>{_IRI})|{_VARIABLE}){_GAP}"
    rf"(?:{_IRI}|{_VARIABLE}){_GAP}\.?{_GAP}\}}{_GAP}",
    re.IGNORECASE,
)
"""The commonest shape, `SELECT ?p ?o WHERE { <iri> ?p ?o }`, read without the tokenizer: a
match is exactly what `anchored_patterns` would read (tested)."""


def anchored_patterns(text: str) -> list[Anchor] | None:
    """The triple patterns of `text` when every one has a constant subject and the query is in
    the small language above; None otherwise (no bound can be read from the text)."""
    lookup = _LOOKUP.fullmatch(text)
    if lookup is not None:
        predicate = lookup["predicate"]
        return [Anchor(lookup["subject"][1:-1], predicate[1:-1] if predicate else None)]
    return read_anchors(text)


def read_anchors(text: str) -> list[Anchor] | None:
    """`anchored_patterns` by the tokenizer and the grammar, whatever the shape."""
    try:
        reader = _Reader(list(tokens(text)), Prologue(None))
        _prologue(reader)
        _query(reader)
        if reader.peek() is not None:
            raise _Unbounded
    except (_Unbounded, SparqlLexError):
        return None
    return reader.anchors


def solution_bound(
    store: OxStore, anchors: Sequence[Anchor], limit: int,
    counted: MutableMapping[Anchor, int] | None = None,
) -> int | None:
    """An upper bound on the solutions of a query with these patterns (the product of each
    pattern's matching quads in any graph), or None when it would exceed `limit`.
    `counted` remembers counts (of one store version: they never change) between queries;
    a count is exact up to `limit` + 1."""
    bound = 1
    for anchor in anchors:
        count = counted.get(anchor) if counted is not None else None
        if count is None:
            try:
                subject = NamedNode(anchor.subject)
                predicate = NamedNode(anchor.predicate) if anchor.predicate is not None else None
            except ValueError:
                return None  # not an IRI the engine accepts: let it report the error
            matches = store.quads_for_pattern(subject, predicate, None, None)
            count = sum(1 for _ in islice(matches, limit + 1))
            if counted is not None:
                counted[anchor] = count
        bound *= max(count, 1)
        if bound > limit:
            return None
    return bound


def _prologue(reader: _Reader) -> None:
    while reader.at_word("PREFIX", "BASE"):
        if reader.take().upper == "BASE":
            raise _Unbounded  # relative IRIs would need the engine's resolution
        name, namespace = reader.take(), reader.take()
        if name.kind is not Kind.PNAME or not name.text.endswith(":"):
            raise _Unbounded
        if name.text.count(":") != 1 or namespace.kind is not Kind.IRI:
            raise _Unbounded
        reader.prologue.prefixes[name.text[:-1]] = reader.iri(namespace)


def _query(reader: _Reader) -> None:
    form = reader.take()
    if form.kind is not Kind.WORD or form.upper not in ("SELECT", "ASK", "CONSTRUCT"):
        raise _Unbounded
    if form.upper == "SELECT":
        if reader.at_word("DISTINCT", "REDUCED"):
            reader.take()
        if reader.at_punct("*"):
            reader.take()
        else:
            variables = 0
            while (token := reader.peek()) is not None and token.kind is Kind.VAR:
                reader.take()
                variables += 1
            if variables == 0:
                raise _Unbounded
    elif form.upper == "CONSTRUCT" and reader.at_punct("{"):
        _template(reader)
    if reader.at_word("WHERE"):
        reader.take()
    elif form.upper == "CONSTRUCT" and not reader.at_punct("{"):
        raise _Unbounded
    _group(reader)
    _modifiers(reader)


def _template(reader: _Reader) -> None:
    """A CONSTRUCT template: any terms (it only shapes the output, one copy per solution)."""
    reader.expect_punct("{")
    while not reader.at_punct("}"):
        token = reader.take()
        if token.kind in _TERM_KINDS or (token.kind is Kind.PUNCT and token.text in _TEMPLATE_PUNCT):
            continue
        if token.kind is Kind.WORD and token.upper in ("A", "TRUE", "FALSE"):
            continue
        raise _Unbounded
    reader.take()


def _group(reader: _Reader) -> None:
    reader.expect_punct("{")
    while not reader.at_punct("}"):
        if reader.at_punct("."):
            reader.take()
        elif reader.at_word("FILTER"):
            reader.take()
            _constraint(reader)
        elif reader.at_word("OPTIONAL"):
            reader.take()
            _group(reader)
        else:
            _triples(reader)
    reader.take()


def _constraint(reader: _Reader) -> None:
    """`( expression )` or a function call: balanced brackets and no group inside."""
    token = reader.take()
    if not (token.kind is Kind.PUNCT and token.text == "("):
        if token.kind not in (Kind.WORD, Kind.IRI, Kind.PNAME) or token.upper in ("EXISTS", "NOT"):
            raise _Unbounded
        reader.expect_punct("(")
    depth = 1
    while depth:
        token = reader.take()
        if token.kind is Kind.PUNCT and token.text in ("{", "}"):
            raise _Unbounded
        if token.kind is Kind.WORD and token.upper in ("EXISTS", "NOT"):
            raise _Unbounded
        if token.kind is Kind.PUNCT and token.text == "(":
            depth += 1
        elif token.kind is Kind.PUNCT and token.text == ")":
            depth -= 1


def _triples(reader: _Reader) -> None:
    subject = reader.iri(reader.take())
    while True:
        predicate = _verb(reader)
        reader.anchors.append(Anchor(subject, predicate))
        _object(reader)
        while reader.at_punct(","):
            reader.take()
            reader.anchors.append(Anchor(subject, predicate))
            _object(reader)
        if not reader.at_punct(";"):
            return
        while reader.at_punct(";"):
            reader.take()
        if reader.at_punct(".") or reader.at_punct("}"):
            return


def _verb(reader: _Reader) -> str | None:
    token = reader.take()
    if token.kind is Kind.VAR:
        return None
    if token.kind is Kind.WORD and token.text == "a":
        return RDF_TYPE
    return reader.iri(token)  # anything else (a path, a blank node) has no bound here


def _object(reader: _Reader) -> None:
    token = reader.take()
    if token.kind is Kind.PUNCT and token.text in ("-", "+"):
        token = reader.take()
        if token.kind is not Kind.NUMBER:
            raise _Unbounded
        return
    if token.kind in (Kind.IRI, Kind.PNAME, Kind.VAR, Kind.BNODE, Kind.NUMBER):
        return
    if token.kind is Kind.WORD and token.upper in ("TRUE", "FALSE"):
        return
    if token.kind is not Kind.STRING:
        raise _Unbounded
    if (following := reader.peek()) is not None and following.kind is Kind.LANGTAG:
        reader.take()
    elif reader.at_punct("^^"):
        reader.take()
        reader.iri(reader.take())


def _modifiers(reader: _Reader) -> None:
    if reader.at_word("ORDER"):
        reader.take()
        if not reader.at_word("BY"):
            raise _Unbounded
        reader.take()
        conditions = 0
        while (token := reader.peek()) is not None and not reader.at_word("LIMIT", "OFFSET"):
            if token.kind is Kind.VAR:
                reader.take()
            elif reader.at_word("ASC", "DESC") or reader.at_punct("("):
                if not reader.at_punct("("):
                    reader.take()
                if not reader.at_punct("("):
                    raise _Unbounded
                _constraint(reader)
            else:
                raise _Unbounded
            conditions += 1
        if conditions == 0:
            raise _Unbounded
    seen: set[str] = set()
    while reader.at_word("LIMIT", "OFFSET"):
        keyword = reader.take().upper
        if keyword in seen or reader.take().kind is not Kind.NUMBER:
            raise _Unbounded
        seen.add(keyword)
