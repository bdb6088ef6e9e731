"""The Store contract, run against every backend: the embedded store, `oxigraph serve` and
Virtuoso.

Both serve the same version of the shipped data (built once, published to the engine for
the remote backend), and every test asserts the same answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from healthgraph.graph.current import CurrentVersion, Snapshot
from healthgraph.graph.remote_store import RemoteStore, RemoteTimeoutError
from healthgraph.graph.store import QueryForm, QuerySyntaxError, ResultFormats
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, RdfFormat

from tests.conftest import BACKENDS, backend_settings

HG = "https://w3id.org/healthgraph/ontology#"
BASE = "https://w3id.org/healthgraph/"
TWINNING = f"{BASE}id/partnership/twinning-partnerships-for-improvement-malawi-scotland-and-zambia"
PREFIXES = f"PREFIX hg: <{HG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
JSON = ResultFormats(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote_state(request: pytest.FixtureRequest) -> Settings:
    return backend_settings(request, request.param)


@pytest.fixture(params=BACKENDS)
def snapshot(request: pytest.FixtureRequest) -> Iterator[Snapshot]:
    chosen = backend_settings(request, request.param)
    yield CurrentVersion(pipeline.version_source(chosen)).snapshot()


def test_select_returns_terms(snapshot: Snapshot) -> None:
    rows = snapshot.store.select(PREFIXES + f"SELECT ?label WHERE {{ <{TWINNING}> rdfs:label ?label }}")
    assert [row["label"] for row in rows] == [
        Literal("Twinning Partnerships for Improvement (Malawi, Scotland and Zambia)", language="en")
    ] or len(rows) == 1


def test_select_with_bindings(snapshot: Snapshot) -> None:
    rows = snapshot.store.select(PREFIXES + "SELECT ?p ?label WHERE { ?p rdfs:label ?label }",
                                 {"p": NamedNode(TWINNING)})
    assert len(rows) == 1


def test_ask(snapshot: Snapshot) -> None:
    assert snapshot.store.ask(PREFIXES + f"ASK {{ <{TWINNING}> a hg:Partnership }}")
    assert not snapshot.store.ask(PREFIXES + "ASK { <http://example.org/none> a hg:Partnership }")


def test_construct_returns_triples(snapshot: Snapshot) -> None:
    triples = snapshot.store.construct(f"CONSTRUCT {{ <{TWINNING}> ?p ?o }} WHERE {{ <{TWINNING}> ?p ?o }}")
    assert {t.predicate.value for t in triples} >= {"http://www.w3.org/2000/01/rdf-schema#label"}


def test_inferred_types_are_visible(snapshot: Snapshot) -> None:
    count = snapshot.store.select(
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(*) AS ?n) WHERE { ?o a org:Organization }")
    assert int(count[0]["n"].value) > 100


def test_same_answers_on_both_backends(settings: Settings, remote_state: Settings) -> None:
    query = PREFIXES + "SELECT ?p ?c WHERE { ?p a hg:Partnership ; hg:country ?c } ORDER BY ?p ?c"
    embedded = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store.select(query)
    remote = CurrentVersion(pipeline.version_source(remote_state)).snapshot().store.select(query)
    assert embedded == remote and len(embedded) > 90


def test_serialize_select_by_the_engine(snapshot: Snapshot) -> None:
    result = snapshot.store.serialize(PREFIXES + "SELECT ?p WHERE { ?p a hg:Partnership } LIMIT 3", JSON)
    assert result.form is QueryForm.SELECT
    assert result.media_type == "application/sparql-results+json"
    assert len(json.loads(result.body)["results"]["bindings"]) == 3


def test_serialize_construct_as_ntriples(snapshot: Snapshot) -> None:
    result = snapshot.store.serialize(f"DESCRIBE <{TWINNING}>", JSON)
    assert result.form is QueryForm.CONSTRUCT
    assert f"<{TWINNING}>".encode() in result.body


def test_syntax_error_is_named(snapshot: Snapshot) -> None:
    with pytest.raises(QuerySyntaxError):
        snapshot.store.select("SELECT WHERE {")


def test_quads_of_one_graph(snapshot: Snapshot) -> None:
    # remote versions name their graphs {base}version/{id}/graph/...; embedded ones {base}graph/...
    graph = next(g for g in [*snapshot.version.graphs, f"{BASE}graph/roles"] if g.endswith("graph/roles"))
    quads = list(snapshot.store.quads(graph))
    assert quads and all(q.graph_name == NamedNode(graph) for q in quads)


def test_text_search_matches_contains(snapshot: Snapshot) -> None:
    assert snapshot.search("twinning", limit=5) == snapshot.search("TWINNING", limit=5)
    assert TWINNING in snapshot.search("twinning partnerships for improvement")


def test_remote_reads_are_scoped_to_the_current_version(remote_state: Settings) -> None:
    # a stray triple in an unrelated graph (and, on Oxigraph, in the engine's own default
    # graph; Virtuoso has no writable default graph) is never seen
    writer = RemoteStore(pipeline.endpoints(remote_state))
    stray = "" if remote_state.store_engine == "virtuoso" else f"<{TWINNING}> <{HG}status> \"stray\" . "
    writer.update(f"INSERT DATA {{ {stray}"
                  f"GRAPH <http://example.org/other> {{ <{TWINNING}> <{HG}status> \"other\" }} }}")
    snapshot = CurrentVersion(pipeline.version_source(remote_state)).snapshot()
    rows = snapshot.store.select(f"SELECT ?s WHERE {{ <{TWINNING}> <{HG}status> ?s }}")
    assert all(row["s"].value not in {"stray", "other"} for row in rows)


@pytest.fixture
def switched(remote_state: Settings, settings: Settings) -> Iterator[Settings]:
    """The remote backend, given back afterwards with the session's version current again
    (other tests compare it with the embedded store)."""
    yield remote_state
    pipeline.remote_versions(remote_state).publish(VersionedStore(settings.state_dir).current())


def test_remote_switch_and_old_versions_dropped(switched: Settings) -> None:
    remote_state = switched
    versions = pipeline.remote_versions(remote_state)
    versions.pointer_ttl = 0
    current = CurrentVersion(versions)
    first = current.snapshot().version
    local = VersionedStore(remote_state.state_dir)
    for _ in range(4):  # republish the same local build under new ids
        info = local.build(pipeline.collect_sources(remote_state),
                           pipeline.build_options(remote_state, validate=False))
        versions.publish(info)
    assert current.snapshot().version.id == info.id != first.id
    assert current.snapshot().store.ask(PREFIXES + f"ASK {{ <{TWINNING}> a hg:Partnership }}")
    # every graph with a triple (`GRAPH ?g {}` lists nothing on Virtuoso)
    names = RemoteStore(pipeline.endpoints(remote_state)).select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = [n["g"].value for n in names]
    ids = {g.split("/version/")[1].split("/")[0] for g in graphs if "/version/" in g}
    assert first.id not in ids and info.id in ids and len(ids) <= 3
    # the switch replaced the pointer's one triple (one DELETE/INSERT), never added a second
    pointer = RemoteStore(pipeline.endpoints(remote_state), graphs=[versions.pointer_graph]).select(
        f"SELECT ?id WHERE {{ GRAPH <{versions.pointer_graph}> {{ ?s ?p ?id }} }}")
    assert [row["id"].value for row in pointer] == [info.id]


def test_chunked_load_keeps_blank_nodes_together(remote_state: Settings, tmp_path: Path) -> None:
    # a graph sent as many small POSTs: every triple arrives once, and a blank node named on
    # lines far apart is still one node (blank-node labels are scoped to one request)
    endpoints = pipeline.endpoints(remote_state)
    graph = "http://example.org/chunked"
    lines = [f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(200)]
    lines.insert(50, "<http://example.org/s0> <http://example.org/q> _:b1 .\n")
    lines.insert(150, "_:b1 <http://example.org/r> \"shared\" .\n")
    path = tmp_path / "g.nt"
    path.write_text("".join(lines))
    writer = RemoteStore(endpoints)
    writer.update(f"DROP SILENT GRAPH <{graph}>")
    assert writer.load_graph(graph, path, size=500) == path.stat().st_size
    reader = RemoteStore(endpoints, graphs=[graph])
    rows = reader.select("SELECT ?v WHERE { <http://example.org/s0> <http://example.org/q> ?b . "
                         "?b <http://example.org/r> ?v }")
    assert [row["v"].value for row in rows] == ["shared"]
    assert reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value == "202"
    writer.update(f"DROP SILENT GRAPH <{graph}>")


def test_remote_deadline_is_enforced_by_the_client(remote_state: Settings) -> None:
    snapshot = CurrentVersion(pipeline.version_source(remote_state)).snapshot()
    store = snapshot.store
    assert isinstance(store, RemoteStore)
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    with pytest.raises(RemoteTimeoutError):
        store.serialize(slow, JSON, timeout=0.2)


def test_pointer_is_one_small_graph(remote_state: Settings) -> None:
    versions = pipeline.remote_versions(remote_state)
    assert versions.current().id == Path(versions.current().path).name
