"""SPARQL 1.1 Protocol behaviours of /sparql, one test each, through the real app."""

from __future__ import annotations

from starlette.testclient import TestClient

SELECT = "SELECT ?s WHERE { ?s a <https://schema.org/Country> } ORDER BY ?s LIMIT 3"
CONSTRUCT = ("CONSTRUCT { <https://w3id.org/healthgraph/id/country/mw> ?p ?o } "
             "WHERE { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _get(client: TestClient, query: str, accept: str | None = None, **params: str):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


def test_get_query_accept_q_values_pick_the_highest(client: TestClient) -> None:
    response = _get(client, SELECT, "text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


def test_get_query_accept_wildcards(client: TestClient) -> None:
    assert _get(client, SELECT, "*/*").headers["content-type"].startswith(
        "application/sparql-results+json")
    assert _get(client, SELECT, "text/*").headers["content-type"].startswith("text/csv")
    assert _get(client, CONSTRUCT, "*/*").headers["content-type"].startswith("text/turtle")
    assert _get(client, CONSTRUCT, "application/n-triples;q=0.9, text/turtle;q=0.1").headers[
        "content-type"].startswith("application/n-triples")


def test_get_construct_in_every_graph_format(client: TestClient) -> None:
    for accept in ("text/turtle", "application/n-triples", "application/ld+json",
                   "application/rdf+xml", "application/n-quads", "application/trig"):
        response = _get(client, CONSTRUCT, accept)
        assert response.status_code == 200, accept
        assert response.headers["content-type"].startswith(accept)


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = _get(client, SELECT, "application/sparql-results+json", format="tsv")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert _get(client, CONSTRUCT, format="json-ld").headers["content-type"].startswith(
        "application/ld+json")
    assert _get(client, SELECT, format="nonsense").status_code == 400


def test_vary_accept_on_every_answer(client: TestClient) -> None:
    assert "Accept" in _get(client, SELECT).headers["vary"]


def test_default_graph_uri_replaces_the_union(client: TestClient) -> None:
    union = int(_get(client, COUNT).json()["results"]["bindings"][0]["n"]["value"])
    graph = "https://w3id.org/healthgraph/graph/countries"
    one = int(_get(client, COUNT, **{"default-graph-uri": graph}).json()[
        "results"]["bindings"][0]["n"]["value"])
    assert 0 < one < union


def test_named_graph_uri_limits_graph_patterns(client: TestClient) -> None:
    graph = "https://w3id.org/healthgraph/graph/countries"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = _get(client, query, **{"named-graph-uri": graph}).json()["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [graph]


def test_graph_iri_in_the_query_names_that_graph(client: TestClient) -> None:
    graph = "https://w3id.org/healthgraph/graph/countries"
    full = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    prefixed = ("PREFIX g: <https://w3id.org/healthgraph/graph/> "
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH g:countries { ?s ?p ?o } }")
    counts = {int(_get(client, q).json()["results"]["bindings"][0]["n"]["value"]) for q in (full, prefixed)}
    assert len(counts) == 1 and counts.pop() > 50


def test_head_query_has_headers_and_no_body(client: TestClient) -> None:
    full = _get(client, SELECT)
    head = client.head("/sparql", params={"query": SELECT})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert head.headers["etag"] == full.headers["etag"]


def test_put_is_405(client: TestClient) -> None:
    assert client.put("/sparql", params={"query": SELECT}).status_code == 405


def test_two_queries_are_400(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_post_non_utf8_charset_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}".encode("utf-16"),
                           headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 415


def test_post_invalid_utf8_is_400(client: TestClient) -> None:
    response = client.post("/sparql", content=b"ASK { ?s ?p \"\xff\" }",
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "UTF-8" in response.json()["message"]


def test_timeout_parameter_is_checked(client: TestClient) -> None:
    for bad in ("soon", "-1", "0", "nan", "inf"):
        response = _get(client, SELECT, timeout=bad)
        assert response.status_code == 400, bad
    assert _get(client, SELECT, timeout="1000").status_code == 200  # capped, not refused


def test_query_with_using_graph_uri_is_400(client: TestClient) -> None:
    assert _get(client, SELECT, **{"using-graph-uri": "http://g"}).status_code == 400


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = _get(client, "SELECT (<thing> AS ?x) {}")
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "http://testserver/thing"


def test_cors_is_open_for_reads(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT},
                          headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200


def test_post_without_query_or_update_is_400(client: TestClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": "http://g"})
    assert response.status_code == 400


def test_if_none_match_star_does_not_skip_checks(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * {"}, headers={"If-None-Match": "*"})
    assert response.status_code == 400
