"""Virtuoso's incomplete answers are errors, never served as complete: a result cut at its
silent row cap (`ResultSetMaxRows`; a throw-away instance whose cap is 5 rows) and a partial
"anytime" result past the deadline (`X-SQL-State: S1TAT`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.remote_store import Endpoints, RemoteStore, RemoteTimeoutError, RemoteTruncatedError
from healthgraph.graph.store import ResultFormats
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from pyoxigraph import QueryResultsFormat, RdfFormat
from starlette.testclient import TestClient

from tests.virtuoso_server import WRITER, VirtuosoServer, start

GRAPH = "http://example.org/g"


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    server: VirtuosoServer = start(Path(tmp_path_factory.mktemp("virtuoso-capped")), max_rows=5)
    try:
        store = RemoteStore(Endpoints.virtuoso(server.root, httpx.DigestAuth(*WRITER)), graphs=[GRAPH])
        body = "".join(f"<http://example.org/s{i}> <http://example.org/p> {i} .\n" for i in range(20))
        store.put_graph(GRAPH, body.encode(), "application/n-triples")
        yield store
    finally:
        server.stop()


def test_a_result_cut_at_the_row_cap_is_an_error(capped: RemoteStore) -> None:
    with pytest.raises(RemoteTruncatedError):
        capped.select("SELECT ?s WHERE { ?s ?p ?o }")


def test_a_result_under_the_row_cap_is_served(capped: RemoteStore) -> None:
    assert len(capped.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")) == 3


def test_a_graph_store_read_cut_at_the_row_cap_is_an_error(capped: RemoteStore) -> None:
    with pytest.raises(RemoteTruncatedError):
        list(capped.quads(GRAPH))


@pytest.fixture(scope="module")
def capped_app(capped: RemoteStore, settings: Settings,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over the capped instance, serving the session's build."""
    root = capped.endpoints.query_url.removesuffix("sparql")
    user, password = WRITER
    remote = Settings(state_dir=tmp_path_factory.mktemp("capped-state"), store=root,
                      store_engine="virtuoso", store_update_auth="digest", store_graph_auth="digest",
                      store_user=user, store_password=password)
    pipeline.remote_versions(remote).publish(VersionedStore(settings.state_dir).current())
    with TestClient(create_app(remote)) as client:
        yield client


def test_a_capped_answer_is_a_500_with_a_message(capped_app: TestClient) -> None:
    response = capped_app.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 500
    assert "row cap" in response.json()["message"]
    assert response.headers["cache-control"] == "no-store"
    small = capped_app.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
    assert small.status_code == 200


def test_a_partial_anytime_answer_is_a_timeout(virtuoso_settings: Settings) -> None:
    # Virtuoso answers a query past its `timeout` with 200, partial rows and X-SQL-State: S1TAT
    store = CurrentVersion(pipeline.version_source(virtuoso_settings)).snapshot().store
    assert isinstance(store, RemoteStore)
    # our client waits long past the deadline here, so the answer that ends the wait is
    # Virtuoso's own (about 1 s granularity, however busy the machine)
    patient = dataclasses.replace(store, client_margin=60.0)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(RemoteTimeoutError) as raised:
        patient.serialize(slow, ResultFormats(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES), timeout=1.0)
    assert "returned partial results (X-SQL-State: S1TAT)" in str(raised.value)


def test_a_partial_answer_is_a_503_through_the_app(virtuoso_settings: Settings) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(create_app(virtuoso_settings)) as client:
        response = client.get("/sparql", params={"query": slow, "timeout": "1"})
    assert response.status_code == 503
    assert response.json()["message"]
