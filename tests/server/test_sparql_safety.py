"""Closed to abuse: SERVICE and LOAD make no outbound request unless allow-listed; request
sizes are bounded (413); results are bounded (400)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.server.state_copy import copy_state

ANSWER = {"head": {"vars": ["x"]},
          "results": {"bindings": [{"x": {"type": "literal", "value": "from afar"}}]}}


@dataclass
class Listener:
    """A socket on 127.0.0.1 that records every connection (and answers it as a SPARQL
    endpoint would, so an allowed SERVICE call succeeds)."""

    sock: socket.socket
    connections: list[bytes] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"

    def serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                request = connection.recv(65536)
                self.connections.append(request)
                body = json.dumps(ANSWER).encode()
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body
                )


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    found = Listener(sock)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    yield found
    found.stop.set()
    thread.join(timeout=5)
    sock.close()


def _service_query(url: str) -> str:
    return f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?s ?p ?x }} }}"


def test_service_to_localhost_is_400_and_makes_no_connection(
    client: TestClient, listener: Listener
) -> None:
    for send in (
        lambda q: client.get("/sparql", params={"query": q}),
        lambda q: client.post("/sparql", data={"query": q}),
        lambda q: client.post("/sparql", content=q,
                              headers={"Content-Type": "application/sparql-query"}),
    ):
        response = send(_service_query(listener.url))
        assert response.status_code == 400
        assert "SERVICE" in response.json()["message"]
    silent = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    assert client.get("/sparql", params={"query": silent}).status_code == 400
    prefixed = (f"PREFIX remote: <{listener.url.rsplit('/', 1)[0]}/> "
                f"SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}")
    assert client.get("/sparql", params={"query": prefixed}).status_code == 400
    assert listener.connections == []


def test_service_on_the_allow_list_is_called(
    settings: Settings, executor: QueryExecutor, listener: Listener
) -> None:
    """The control for the test above: an allowed SERVICE does reach the listener."""
    allowed = Settings(state_dir=settings.state_dir, service_allow_list=listener.url)
    with TestClient(create_app(allowed, executor=executor)) as client:
        response = client.get("/sparql", params={"query": _service_query(listener.url)})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "from afar"}}]
    assert len(listener.connections) == 1


def test_load_is_400_and_makes_no_connection(
    tmp_path: Path, built_state: Path, executor: QueryExecutor, listener: Listener
) -> None:
    settings = Settings(state_dir=copy_state(built_state, tmp_path), update_token="secret")
    with TestClient(create_app(settings, executor=executor)) as client:
        response = client.post("/sparql", content=f"LOAD <{listener.url}>",
                               headers={"Content-Type": "application/sparql-update",
                                        "Authorization": "Bearer secret"})
    assert response.status_code == 400
    assert "LOAD" in response.json()["message"]
    assert listener.connections == []


def test_body_over_the_limit_is_413(settings: Settings, executor: QueryExecutor) -> None:
    small = Settings(state_dir=settings.state_dir, max_request_bytes=200)
    with TestClient(create_app(small, executor=executor)) as client:
        query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 300
        assert client.post("/sparql", content=query, headers={
            "Content-Type": "application/sparql-query"}).status_code == 413
        assert client.post("/sparql", data={"query": query}).status_code == 413
        assert client.get("/sparql", params={"query": query}).status_code == 413
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_result_over_the_limit_is_400(settings: Settings) -> None:
    with QueryExecutor(2, max_result_bytes=2000) as small_results, TestClient(
        create_app(settings, executor=small_results)) as client:
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 400
        assert "2000 bytes" in response.json()["message"]
