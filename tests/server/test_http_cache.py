"""ETag / Last-Modified from the store version, 304s, and the per-version results cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from healthgraph.graph.versions import VersionInfo
from starlette.testclient import TestClient

QUERY = "SELECT ?s WHERE { ?s a <https://schema.org/Country> } ORDER BY ?s"


def test_get_carries_etag_and_last_modified(client: TestClient, version: VersionInfo) -> None:
    response = client.get("/sparql", params={"query": QUERY})
    assert response.headers["etag"].startswith('"')
    modified = format_datetime(version.built_at.astimezone(UTC), usegmt=True)
    assert response.headers["last-modified"] == modified


def test_etag_depends_on_query_and_format(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": QUERY}).headers["etag"]
    assert client.get("/sparql", params={"query": QUERY}).headers["etag"] == first
    assert client.get("/sparql", params={"query": QUERY + " LIMIT 1"}).headers["etag"] != first
    assert client.get("/sparql", params={"query": QUERY},
                      headers={"Accept": "text/csv"}).headers["etag"] != first


def test_if_none_match_gives_304(client: TestClient) -> None:
    etag = client.get("/sparql", params={"query": QUERY}).headers["etag"]
    response = client.get("/sparql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert client.get("/sparql", params={"query": QUERY},
                      headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/sparql", params={"query": QUERY},
                      headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304


def test_if_modified_since_gives_304(client: TestClient, version: VersionInfo) -> None:
    later = format_datetime(version.built_at.astimezone(UTC) + timedelta(seconds=5), usegmt=True)
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get("/sparql", params={"query": QUERY},
                      headers={"If-Modified-Since": later}).status_code == 304
    assert client.get("/sparql", params={"query": QUERY},
                      headers={"If-Modified-Since": earlier}).status_code == 200


def test_repeated_query_is_served_from_the_cache(client: TestClient) -> None:
    cache = client.app.state.sparql.cache  # type: ignore[attr-defined]
    query = QUERY + " # cache test"
    first = client.get("/sparql", params={"query": query})
    hits = cache.hits
    # the same GET is replayed before the endpoint; a HEAD or a POST reads the results cache
    assert client.head("/sparql", params={"query": query}).status_code == 200
    assert cache.hits == hits + 1
    assert client.post("/sparql", data={"query": query}).content == first.content
    assert cache.hits == hits + 2
    assert client.get("/sparql", params={"query": query}).content == first.content
    assert cache.hits == hits + 2


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * {"})
    assert response.status_code == 400
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "no-store"
