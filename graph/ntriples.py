"""Writing N-Triples text: the stream format every loader feeds to bulk load; and single terms
to and from N-Triples syntax (query parameters sent to a worker process)."""

from __future__ import annotations

import re
from typing import Final

from healthgraph.graph.namespaces import XSD
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

Term = NamedNode | BlankNode | Literal | Triple

_ESCAPES: Final = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)
_NEEDS_ESCAPE: Final = re.compile(r'[\\"\n\r\t]')
"""Most values have none of these: one regex search spares them a translation."""
IRI_FORBIDDEN: Final = re.compile(r'[<>"{}|^`\\\x00-\x20]')
"""Characters that cannot appear in an N-Triples IRI (one regex search, not a loop in Python:
the loaders call this for every IRI they write)."""


def iri(value: str) -> str:
    """An IRI term. Refuses characters that cannot appear in an N-Triples IRI."""
    if not value or IRI_FORBIDDEN.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal term; a plain string when neither datatype nor language is given."""
    text = f'"{value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value}"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != f"{XSD}string":
        return f"{text}^^<{datatype}>"
    return text


def typed(value: str | int, xsd_type: str) -> str:
    """A literal with an XSD datatype named by its local name ('integer', 'gYear')."""
    return literal(str(value), f"{XSD}{xsd_type}")


def triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line; subject and predicate are IRIs, `obj` an already written term."""
    return f"<{subject}> <{predicate}> {obj} .\n"


def term_text(term: Term) -> str:
    """A term in N-Triples syntax (RDF 1.2 for a quoted triple).

    >>> term_text(Literal("eye", language="en"))
    '"eye"@en'
    """
    return str(term)


def term_of(text: str) -> Term:
    """The term written by `term_text`; ValueError if `text` is not one term.

    >>> term_of('<http://example.org/a>')
    <NamedNode value=http://example.org/a>
    """
    try:
        quads = list(parse(f"<urn:s> <urn:p> {text} .", format=RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        raise ValueError(f"not an N-Triples term: {text!r}") from error
    if len(quads) != 1:
        raise ValueError(f"not an N-Triples term: {text!r}")
    found: Term = quads[0].object
    return found
