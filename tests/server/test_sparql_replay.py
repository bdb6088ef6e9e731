"""Repeated SPARQL GETs answered from recorded responses: byte for byte what the endpoint
would send, never across versions, formats or hosts, and with every middleware still applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.server.state_copy import copy_state

QUERY = "SELECT ?s WHERE { ?s a <https://schema.org/Country> } ORDER BY ?s"
TOKEN = "replay-token"


def _cached(client: TestClient) -> int:
    return int(client.app.state.sparql.runner.answers["cache"])  # type: ignore[attr-defined]


def _without_request_id(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "x-request-id"}


def test_a_repeated_get_is_replayed_byte_for_byte(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": QUERY})
    assert first.status_code == 200 and _cached(client) == 0
    again = client.get("/sparql", params={"query": QUERY})
    assert _cached(client) == 1
    assert again.content == first.content
    assert _without_request_id(dict(again.headers)) == _without_request_id(dict(first.headers))
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert again.headers["x-content-type-options"] == "nosniff"


def test_accept_format_and_host_are_part_of_the_key(client: TestClient) -> None:
    json = client.get("/sparql", params={"query": QUERY})
    csv = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.content != json.content
    xml = client.get("/sparql", params={"query": QUERY, "format": "xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    base = "SELECT (<x> AS ?iri) {}"  # the endpoint's URL is the base IRI
    here = client.get("/sparql", params={"query": base})
    there = client.get("/sparql", params={"query": base}, headers={"Host": "elsewhere.example"})
    assert "elsewhere.example" in there.text and "elsewhere.example" not in here.text
    assert _cached(client) == 0


def test_cors_headers_are_added_per_request_and_never_recorded(client: TestClient) -> None:
    origin = {"Origin": "https://researcher.example"}
    with_origin = client.get("/sparql", params={"query": QUERY}, headers=origin)
    assert with_origin.headers["access-control-allow-origin"] == "*"
    plain = client.get("/sparql", params={"query": QUERY})
    assert _cached(client) == 1
    assert "access-control-allow-origin" not in plain.headers
    assert client.get("/sparql", params={"query": QUERY}, headers=origin).headers[
        "access-control-allow-origin"] == "*"


def test_conditional_and_head_requests_reach_the_endpoint(client: TestClient) -> None:
    etag = client.get("/sparql", params={"query": QUERY}).headers["etag"]
    conditional = client.get("/sparql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert conditional.status_code == 304
    head = client.head("/sparql", params={"query": QUERY})
    assert head.status_code == 200 and head.content == b""
    assert _cached(client) == 1  # the HEAD's answer came from the results cache, not a replay


def test_errors_are_not_recorded(client: TestClient) -> None:
    for _ in range(2):
        assert client.get("/sparql", params={"query": "SELECT * {"}).status_code == 400
    assert _cached(client) == 0


@pytest.fixture
def writable(tmp_path: Path, built_state: Path, executor: QueryExecutor) -> Iterator[TestClient]:
    settings = Settings(state_dir=copy_state(built_state, tmp_path), update_token=TOKEN)
    with TestClient(create_app(settings, executor=executor)) as client:
        yield client


def test_a_new_version_is_never_answered_with_an_old_response(writable: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s <http://example.org/p> ?o }"
    before = writable.get("/sparql", params={"query": query})
    assert before.json()["results"]["bindings"][0]["n"]["value"] == "0"
    update = writable.post(
        "/sparql", content="INSERT DATA { <http://example.org/a> <http://example.org/p> 1 }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert update.status_code == 204
    after = writable.get("/sparql", params={"query": query})
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"
    assert after.headers["etag"] != before.headers["etag"]
    assert _cached(writable) == 0
