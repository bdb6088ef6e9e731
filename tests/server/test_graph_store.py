"""The read side of the Graph Store Protocol: GET/HEAD ?graph= and ?default, on /store and
/sparql."""

from __future__ import annotations

import pytest
import rdflib
from healthgraph.graph.versions import VersionedStore, VersionInfo
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient


@pytest.mark.parametrize("path", ["/store", "/sparql"])
def test_get_named_graph(client: TestClient, settings: Settings, version: VersionInfo,
                         path: str) -> None:
    graph = f"{settings.base_iri}graph/countries"
    response = client.get(path, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    parsed = rdflib.Graph().parse(data=response.content, format="nt")
    assert len(parsed) == version.statistics["graphs"][graph]
    assert response.headers["etag"] and response.headers["last-modified"]


def test_get_default_graph_is_the_union(client: TestClient, version: VersionInfo) -> None:
    response = client.get("/store", params={"default": ""}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    parsed = rdflib.Graph().parse(data=response.content, format="turtle")
    assert 0 < len(parsed) <= version.triples


def test_head_graph(client: TestClient, settings: Settings) -> None:
    graph = f"{settings.base_iri}graph/countries"
    full = client.get("/store", params={"graph": graph})
    head = client.head("/store", params={"graph": graph})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(full.content))


def test_unknown_graph_is_404(client: TestClient) -> None:
    response = client.get("/store", params={"graph": "http://example.org/nothing"})
    assert response.status_code == 404


def test_graph_if_none_match_is_304(client: TestClient, settings: Settings) -> None:
    params = {"graph": f"{settings.base_iri}graph/countries"}
    etag = client.get("/store", params=params).headers["etag"]
    assert client.get("/store", params=params, headers={"If-None-Match": etag}).status_code == 304


def test_graph_and_default_together_is_400(client: TestClient) -> None:
    assert client.get("/store", params={"graph": "http://g", "default": ""}).status_code == 400
    assert client.get("/store").status_code == 400


def test_graph_store_writes_are_off_without_a_token(client: TestClient, version: VersionInfo,
                                                   settings: Settings) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = client.request(method, "/store", params={"graph": "http://example.org/g"},
                                  content=b"<http://a> <http://b> <http://c> .",
                                  headers={"Content-Type": "application/n-triples"})
        assert response.status_code == 403
        assert "read-only" in response.json()["message"]
    assert VersionedStore(settings.state_dir).current().id == version.id


def test_graph_in_a_format_not_offered_is_406(client: TestClient) -> None:
    response = client.get("/store", params={"default": ""}, headers={"Accept": "image/png"})
    assert response.status_code == 406
