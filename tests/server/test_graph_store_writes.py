"""The write side of the Graph Store Protocol: PUT, POST and DELETE of a named graph with the
bearer token, each a new validated version switched atomically; refused writes change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.server.state_copy import copy_state

TOKEN = "graph-store-token"
GRAPH = "http://example.org/graph/notes"
WRITER = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {**WRITER, "Content-Type": "text/turtle"}
NOTES = b"@prefix ex: <http://example.org/> . ex:a ex:note 'one' . ex:b ex:note 'two' ."
COUNT = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


@pytest.fixture
def state(tmp_path: Path, built_state: Path) -> Path:
    return copy_state(built_state, tmp_path)


@pytest.fixture
def writable(state: Path, executor: QueryExecutor) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(state_dir=state, update_token=TOKEN),
                               executor=executor)) as client:
        yield client


def _count(client: TestClient) -> int:
    answer = client.get("/sparql", params={"query": COUNT})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _current(state: Path) -> str:
    return VersionedStore(state).current().id


def test_put_creates_then_replaces_post_adds_delete_drops(writable: TestClient,
                                                          state: Path) -> None:
    versions = [_current(state)]
    created = writable.put("/store", params={"graph": GRAPH}, content=NOTES, headers=TURTLE)
    assert created.status_code == 201
    assert _count(writable) == 2
    replaced = writable.put("/store", params={"graph": GRAPH},
                            content=b'<http://example.org/c> <http://example.org/note> "three" .',
                            headers={**WRITER, "Content-Type": "application/n-triples"})
    assert replaced.status_code == 204, replaced.text
    assert _count(writable) == 1
    versions.append(_current(state))
    added = writable.post("/store", params={"graph": GRAPH}, content=NOTES, headers=TURTLE)
    assert added.status_code == 204
    assert _count(writable) == 3
    read = writable.get("/store", params={"graph": GRAPH},
                        headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and read.text.count("\n") == 3
    assert writable.delete("/store", params={"graph": GRAPH}, headers=WRITER).status_code == 204
    assert writable.get("/store", params={"graph": GRAPH}).status_code == 404
    assert writable.delete("/store", params={"graph": GRAPH}, headers=WRITER).status_code == 404
    versions.append(_current(state))
    assert len(set(versions)) == 3  # every accepted write is a version of its own


@pytest.mark.parametrize(
    ("headers", "body", "status", "message"),
    [
        ({"Content-Type": "text/turtle"}, NOTES, 401, "Bearer"),
        ({"Authorization": "Bearer wrong", "Content-Type": "text/turtle"}, NOTES, 403, "token"),
        (TURTLE, b"@prefix ex: <http://example.org/> . ex:a ex:note", 400, "does not parse"),
        ({**WRITER, "Content-Type": "application/n-quads"}, b"", 415, "text/turtle"),
        ({**WRITER, "Content-Type": "text/turtle; charset=latin-1"}, NOTES, 415, "UTF-8"),
    ],
)
def test_refused_writes_change_nothing(writable: TestClient, state: Path, headers: dict[str, str],
                                       body: bytes, status: int, message: str) -> None:
    before = _current(state)
    answer = writable.put("/store", params={"graph": GRAPH}, content=body, headers=headers)
    assert answer.status_code == status
    assert message in answer.json()["message"]
    assert _current(state) == before
    assert _count(writable) == 0


def test_the_default_graph_is_not_writable(writable: TestClient, state: Path) -> None:
    before = _current(state)
    answer = writable.put("/store", params={"default": ""}, content=NOTES, headers=TURTLE)
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
    assert "?graph=" in answer.json()["message"]
    assert writable.post("/store", content=NOTES, headers=TURTLE).status_code == 400
    assert _current(state) == before


def test_a_graph_breaking_the_shapes_is_422(writable: TestClient, state: Path,
                                            settings: Settings) -> None:
    """A partnership without its required label and members is refused by SHACL."""
    before = _current(state)
    bad = (f"<{settings.base_iri}id/partnership/bare> "
           "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
           "<https://w3id.org/healthgraph/ontology#Partnership> .").encode()
    answer = writable.put("/store", params={"graph": GRAPH}, content=bad,
                          headers={**WRITER, "Content-Type": "application/n-triples"})
    assert answer.status_code == 422, answer.text
    assert _current(state) == before
