"""Virtuoso's silent row cap: an answer cut at `ResultSetMaxRows` is an error, never served as
complete (a throw-away instance whose cap is 5 rows)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.remote_store import Endpoints, RemoteStore, RemoteTruncatedError

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
