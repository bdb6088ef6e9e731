"""SPARQL Update: off by default, bearer token in constant time, each accepted update a new
store version (validated) switched atomically; refused updates change nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.server.state_copy import copy_state

TOKEN = "s3cret-token"
INSERT = "INSERT DATA { <http://example.org/a> <http://example.org/p> 1 . " \
         "<http://example.org/b> <http://example.org/p> 2 }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
UPDATE = {"Content-Type": "application/sparql-update"}


def _count(client: httpx.Client) -> int:
    response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def state(tmp_path: Path, built_state: Path) -> Path:
    return copy_state(built_state, tmp_path)


@pytest.fixture
def writable(state: Path, executor: QueryExecutor) -> Iterator[TestClient]:
    settings = Settings(state_dir=state, update_token=TOKEN)
    with TestClient(create_app(settings, executor=executor)) as client:
        yield client


def _current(state: Path) -> str:
    return VersionedStore(state).current().id


def test_post_update_read_only_is_403(client: TestClient, settings: Settings) -> None:
    before = _current(settings.state_dir)
    response = client.post("/sparql", content=INSERT, headers=UPDATE)
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]
    assert _current(settings.state_dir) == before


def test_post_update_without_token_is_401(writable: TestClient, state: Path) -> None:
    before = _current(state)
    response = writable.post("/sparql", content=INSERT, headers=UPDATE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    basic = writable.post("/sparql", content=INSERT,
                          headers={**UPDATE, "Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401
    assert _current(state) == before and _count(writable) == 0


def test_post_update_with_wrong_token_is_403(writable: TestClient, state: Path) -> None:
    before = _current(state)
    for token in ("wrong", TOKEN + "x", TOKEN[:-1]):
        response = writable.post("/sparql", content=INSERT,
                                 headers={**UPDATE, "Authorization": f"Bearer {token}"})
        assert response.status_code == 403
    assert _current(state) == before and _count(writable) == 0


def test_post_update_with_token_makes_a_new_version(writable: TestClient, state: Path) -> None:
    before = _current(state)
    etag = writable.get("/sparql", params={"query": COUNT}).headers["etag"]
    assert _count(writable) == 0
    response = writable.post("/sparql", content=INSERT,
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text
    assert _current(state) != before
    assert _count(writable) == 2
    fresh = writable.get("/sparql", params={"query": COUNT}, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag


def test_update_by_form_post(writable: TestClient) -> None:
    response = writable.post("/sparql", data={"update": INSERT},
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    assert _count(writable) == 2


def test_update_is_visible_all_at_once(writable: TestClient) -> None:
    """Readers during the update see no triple or both, never one of the two."""
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(_count(writable))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        response = writable.post("/sparql", content=INSERT,
                                 headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 204
        seen.add(_count(writable))
    finally:
        done.set()
        reader.join()
    assert seen <= {0, 2} and 2 in seen


def test_update_syntax_error_is_400_and_changes_nothing(writable: TestClient, state: Path) -> None:
    before = _current(state)
    response = writable.post("/sparql", content="INSERT DATA { <http://a> }",
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert "1:" in response.json()["message"]
    assert _current(state) == before


def test_update_breaking_the_shapes_is_422_and_changes_nothing(
    writable: TestClient, state: Path
) -> None:
    before = _current(state)
    response = writable.post(
        "/sparql",
        content="INSERT DATA { <http://example.org/x> a "
                "<https://w3id.org/healthgraph/ontology#Partnership> }",
        headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422, response.text
    assert "SHACL" in response.json()["message"]
    assert _current(state) == before


def test_update_with_using_graph_uri(writable: TestClient) -> None:
    graph = "https://w3id.org/healthgraph/graph/countries"
    update = ("INSERT { GRAPH <http://example.org/copy> { ?c <http://example.org/p> 1 } } "
              "WHERE { ?c a <https://schema.org/Country> }")
    response = writable.post("/sparql", params={"using-graph-uri": graph}, content=update,
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text
    assert _count(writable) > 0


def test_update_clearing_everything_makes_an_empty_version(writable: TestClient, state: Path) -> None:
    before = _current(state)
    response = writable.post("/sparql", content="CLEAR ALL",
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text
    assert _current(state) != before
    assert writable.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False
