"""The W3C SPARQL 1.1 Protocol test suite (tests/conformance/w3c/protocol/manifest.ttl), run
request by request against the real app over its own copy of the store.

The manifest's paths start with /sparql/ (rewritten to /sparql); its data files are loaded
with SPARQL Update, so every request carries the update token.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.conformance.w3c_manifest import GraphData, HttpRequest, ProtocolTest, read_manifest

MANIFEST = Path(__file__).parent / "w3c" / "protocol" / "manifest.ttl"
TESTS = read_manifest(MANIFEST)
TOKEN = "w3c-protocol-tests"
pytestmark = pytest.mark.slow
SRX = "{http://www.w3.org/2005/sparql-results#}"

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples")


@pytest.fixture(scope="module")
def w3c_client(
    built_state: Path, tmp_path_factory: pytest.TempPathFactory, executor: QueryExecutor
) -> Iterator[httpx.Client]:
    """The app over a private copy of the built store, with updates enabled."""
    state = tmp_path_factory.mktemp("w3c") / "state"
    shutil.copytree(built_state, state)
    settings = Settings(state_dir=state, update_token=TOKEN)
    with TestClient(create_app(settings, executor=executor),
                    headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def test_the_manifest_has_34_tests() -> None:
    assert len(TESTS) == 34
    assert len({test.name for test in TESTS}) == 34


def _ask(client: httpx.Client, query: str) -> bool:
    response = client.post("/sparql", content=query,
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def _load(client: httpx.Client, data: tuple[GraphData, ...]) -> None:
    """Load the test's graphs with SPARQL Update, unless they already hold exactly that."""
    missing = []
    for item in data:
        triples = item.file.read_text(encoding="utf-8")
        if not _ask(client, f"ASK {{ GRAPH <{item.graph}> {{ {triples} }} }}"):
            missing.append(f"DROP SILENT GRAPH <{item.graph}> ;\n"
                           f"INSERT DATA {{ GRAPH <{item.graph}> {{ {triples} }} }}")
    if missing:
        response = client.post("/sparql", content=" ;\n".join(missing),
                               headers={"Content-Type": "application/sparql-update"})
        assert response.status_code == 204, response.text


def _boolean(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    root = ET.fromstring(response.content)
    found = root.find(f"{SRX}boolean")
    assert found is not None and found.text is not None
    return found.text.strip() == "true"


def _check(request: HttpRequest, response: httpx.Response) -> None:
    expected = request.expected
    status_class = f"{response.status_code // 100}xx"
    assert status_class in expected.statuses, (
        f"{request.method} {request.path}: got {response.status_code} {response.text[:300]}, "
        f"expected one of {expected.statuses}"
    )
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if expected.format == "boolean":
        assert media in BOOLEAN_TYPES, media
    elif expected.format == "tabular":
        assert media in TABULAR_TYPES, media
    elif expected.format == "RDF":
        assert media in RDF_TYPES, media
    if expected.boolean is not None:
        assert _boolean(response) is expected.boolean


@pytest.mark.parametrize("test", TESTS, ids=[test.name for test in TESTS])
def test_w3c_protocol(w3c_client: httpx.Client, test: ProtocolTest) -> None:
    _load(w3c_client, test.graph_data)
    for request in test.requests:
        assert request.path.startswith("/sparql/")
        path = "/sparql" + request.path.removeprefix("/sparql/")
        response = w3c_client.request(request.method, path, headers=request.headers,
                                      content=request.body)
        _check(request, response)
