"""The app's endpoint tests again, with the app over real remote engines (RemoteStore):
`oxigraph serve` and Virtuoso.

Every `test_*` of the listed modules (SPARQL protocol, GraphQL, linked-data pages, named
queries, VoID/DCAT and dumps) is collected here too, with `client` overridden to an app whose
HEALTHGRAPH_STORE* settings point at the engine: same requests, same expected answers."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import httpx
import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.conftest import backend_settings
from tests.server import (
    test_collaborate_pages,
    test_dataset,
    test_graphql_collaboration,
    test_graphql_http,
    test_graphql_same_answers,
    test_http_cache,
    test_ontology_page,
    test_queries_api,
    test_resources,
    test_sparql_basic,
    test_sparql_protocol,
    test_ui_pages,
)

for _module in (test_sparql_basic, test_resources, test_queries_api, test_dataset, test_graphql_http,
                test_graphql_same_answers, test_graphql_collaboration, test_sparql_protocol,
                test_http_cache, test_ui_pages, test_collaborate_pages, test_ontology_page):
    # the tests that drive the app through `client` (the others do not touch a backend)
    globals().update({name: test for name, test in vars(_module).items()
                      if name.startswith("test_") and "client" in inspect.signature(test).parameters})
void_graph = test_dataset.void_graph


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest) -> Settings:
    return backend_settings(request, request.param)


@pytest.fixture
def client(remote: Settings) -> Iterator[httpx.Client]:
    with TestClient(create_app(remote)) as http:
        yield http


def test_remote_app_tags_answers_with_the_published_version(
    client: httpx.Client, remote: Settings, settings: Settings, executor: QueryExecutor
) -> None:
    # the engine serves the version built locally, under its id: same ETag as the embedded app
    assert pipeline.version_source(remote).current().id == VersionedStore(settings.state_dir).current().id
    query = {"query": "ASK {}"}
    with TestClient(create_app(settings, executor=executor)) as embedded:
        expected = embedded.get("/sparql", params=query).headers["etag"]
    response = client.get("/sparql", params=query)
    assert response.status_code == 200
    assert response.headers["etag"] == expected


def test_a_dataset_outside_the_version_is_empty(client: httpx.Client, remote: Settings) -> None:
    # the engine holds more than the version (the pointer graph, version descriptions, other
    # versions): a request's default-graph-uri / named-graph-uri never reaches them
    versions = pipeline.remote_versions(remote)
    outside = [versions.pointer_graph, f"{versions.version_iri(versions.current().id)}/info"]
    for name in ("default-graph-uri", "named-graph-uri"):
        response = client.get("/sparql", params={
            "query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 5",
            name: outside})
        assert response.status_code == 200
        assert response.json()["results"]["bindings"] == [], name
