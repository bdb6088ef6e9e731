"""Every named query gives the same rows on the three backends: the embedded store,
`oxigraph serve` and Virtuoso, each holding the shipped data built and published by the app's
own pipeline (tests/conftest.py).

Rows are compared after term normalisation, because engines store values canonically
(Virtuoso: `"01"^^xsd:integer` -> `1`, language tags lower-cased, `xsd:string` kept typed) and
order the parts of a GROUP_CONCAT as they like."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.queries import load_named_queries
from healthgraph.graph.store import Term
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
from pyoxigraph import Literal, NamedNode

from tests.conftest import backend_settings

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {f"{XSD}{name}" for name in ("integer", "decimal", "double", "float", "int", "long",
                                       "nonNegativeInteger", "positiveInteger", "gYear")}
CONCAT_SEPARATOR = " | "

Row = tuple[tuple[str, object], ...]


def normalised(term: Term) -> object:
    """A term as a value every engine agrees on."""
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in NUMERIC:
            try:
                return ("number", Decimal(term.value).normalize())
            except InvalidOperation:
                return ("number", term.value)
        if datatype == f"{XSD}boolean":
            return ("boolean", term.value in ("true", "1"))
        if term.language:
            return ("text", term.value, term.language.lower())
        if CONCAT_SEPARATOR in term.value:
            return ("concat", tuple(sorted(term.value.split(CONCAT_SEPARATOR))))
        return ("text", term.value)
    return ("blank",)


def rows(settings: Settings, name: str) -> list[Row]:
    query = load_named_queries(settings.queries_dir)[name]
    store = CurrentVersion(pipeline.version_source(settings)).snapshot().store
    bound = store.select(query.text, query.bindings(IriMinter(settings.base_iri), {}))
    return sorted(tuple(sorted((k, normalised(v)) for k, v in row.items())) for row in bound)


@pytest.mark.parametrize("name", sorted(load_named_queries(Settings().queries_dir)))
def test_named_query_rows_are_the_same_on_every_engine(request: pytest.FixtureRequest, name: str) -> None:
    embedded = rows(backend_settings(request, "embedded"), name)
    assert embedded, f"{name} has no rows on the embedded store"
    for backend in ("oxigraph", "virtuoso"):
        assert rows(backend_settings(request, backend), name) == embedded, backend
