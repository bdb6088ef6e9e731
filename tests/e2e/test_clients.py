"""Real SPARQL clients (SPARQLWrapper in every return format, rdflib's SPARQLStore) against a
real uvicorn on 127.0.0.1, answering the same as the store itself."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from healthgraph.graph.store import EmbeddedStore
from healthgraph.graph.versions import VersionInfo
from healthgraph.server.settings import Settings
from pyoxigraph import RdfFormat
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from tests.live_server import LiveServer, live_server

COUNTRIES = """PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label WHERE { ?country a schema:Country ; rdfs:label ?label }
ORDER BY ?country ?label"""
MALAWI = """CONSTRUCT { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }
WHERE { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }"""
ASK_MALAWI = "ASK { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }"


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("clients") / "server.log"
    with live_server({"HEALTHGRAPH_STATE_DIR": str(settings.state_dir)}, log) as running:
        yield running


@pytest.fixture(scope="module")
def store(version: VersionInfo) -> EmbeddedStore:
    return EmbeddedStore.open_read_only(version.store_path)


@pytest.fixture(scope="module")
def expected_rows(store: EmbeddedStore) -> list[tuple[str, str]]:
    rows = [(row["country"].value, row["label"].value) for row in store.select(COUNTRIES)]
    assert len(rows) >= 10
    return rows


@pytest.fixture(scope="module")
def expected_graph(store: EmbeddedStore) -> rdflib.Graph:
    data = b"".join(triple_line for triple_line in _ntriples(store, MALAWI))
    return rdflib.Graph().parse(data=data, format="nt")


def _ntriples(store: EmbeddedStore, query: str) -> list[bytes]:
    result = store.raw.query(query, use_default_graph_as_union=True)
    return [result.serialize(format=RdfFormat.N_TRIPLES) or b""]  # type: ignore[union-attr]


def _wrapper(server: LiveServer, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server: LiveServer, expected_rows: list[tuple[str, str]]) -> None:
    result = _wrapper(server, COUNTRIES, JSON).queryAndConvert()
    assert isinstance(result, dict)
    rows = [(b["country"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]]
    assert rows == expected_rows


def test_sparqlwrapper_xml(server: LiveServer, expected_rows: list[tuple[str, str]]) -> None:
    document = _wrapper(server, COUNTRIES, XML).queryAndConvert()
    rows = []
    for result in document.getElementsByTagName("result"):  # type: ignore[union-attr]
        values = {b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
                  for b in result.getElementsByTagName("binding")}
        rows.append((values["country"], values["label"]))
    assert rows == expected_rows


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(
    server: LiveServer, expected_rows: list[tuple[str, str]], fmt: str, delimiter: str
) -> None:
    body = _wrapper(server, COUNTRIES, fmt).queryAndConvert()
    assert isinstance(body, bytes)
    table = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter))
    assert len(table) == len(expected_rows) + 1
    if fmt == CSV:
        assert table[0] == ["country", "label"]
        assert [tuple(row) for row in table[1:]] == expected_rows
    else:
        assert table[0] == ["?country", "?label"]
        assert [row[0].strip("<>") for row in table[1:]] == [c for c, _ in expected_rows]


def test_sparqlwrapper_ask(server: LiveServer) -> None:
    result = _wrapper(server, ASK_MALAWI, JSON).queryAndConvert()
    assert isinstance(result, dict) and result["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, XML])
def test_sparqlwrapper_construct(server: LiveServer, expected_graph: rdflib.Graph, fmt: str) -> None:
    result = _wrapper(server, MALAWI, fmt).queryAndConvert()
    if isinstance(result, bytes):
        graph = rdflib.Graph().parse(data=result, format="turtle")
    else:
        assert isinstance(result, rdflib.Graph)
        graph = rdflib.Graph()
        for triple in result.triples((None, None, None)):
            graph.add(triple)
    assert len(graph) > 5
    assert rdflib.compare.isomorphic(graph, expected_graph)


def test_rdflib_sparqlstore_select_and_construct(
    server: LiveServer, expected_rows: list[tuple[str, str]], expected_graph: rdflib.Graph
) -> None:
    remote = rdflib.Graph(store=SPARQLStore(f"{server.url}/sparql"))
    rows = [(str(row[0]), str(row[1])) for row in remote.query(COUNTRIES)]  # type: ignore[index]
    assert rows == expected_rows
    assert bool(remote.query(ASK_MALAWI).askAnswer) is True
    constructed = remote.query(MALAWI).graph
    assert constructed is not None
    assert rdflib.compare.isomorphic(constructed, expected_graph)


def test_settings_state_dir_is_the_sessions(settings: Settings) -> None:
    assert Path(settings.state_dir).exists()
