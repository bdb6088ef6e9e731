"""The app's endpoint tests again, with the app over real remote engines (RemoteStore):
`oxigraph serve` and Virtuoso.

Every `test_*` of the listed modules (SPARQL protocol, GraphQL, linked-data pages, named
queries, VoID/DCAT and dumps) is collected here too, with `client` overridden to an app whose
HEALTHGRAPH_STORE* settings point at the engine: same requests, same expected answers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from healthgraph.server import pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.conftest import backend_settings
from tests.server import (
    test_dataset,
    test_graphql_collaboration,
    test_graphql_http,
    test_graphql_same_answers,
    test_queries_api,
    test_resources,
    test_sparql_basic,
)

for _module in (test_sparql_basic, test_resources, test_queries_api, test_dataset, test_graphql_http,
                test_graphql_same_answers, test_graphql_collaboration):
    globals().update({name: test for name, test in vars(_module).items() if name.startswith("test_")})
void_graph = test_dataset.void_graph


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest) -> Settings:
    return backend_settings(request, request.param)


@pytest.fixture
def client(remote: Settings) -> Iterator[httpx.Client]:
    with TestClient(create_app(remote)) as http:
        yield http


def test_remote_app_reports_the_published_version(client: httpx.Client, remote: Settings) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.headers["etag"].strip('W/"') == pipeline.version_source(remote).current().id
