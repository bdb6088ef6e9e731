"""The /sparql endpoint of the walking skeleton, driven through the real app."""

from __future__ import annotations

import csv
import io
import json

import rdflib
import rdflib.compare
from healthgraph.graph.paths import shipped_dir
from starlette.testclient import TestClient

ASK_MALAWI = "ASK { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }"
SELECT_COUNTRIES = """PREFIX schema: <https://schema.org/>
SELECT ?c WHERE { ?c a schema:Country } ORDER BY ?c"""
CONSTRUCT_MALAWI = """CONSTRUCT { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }
WHERE { <https://w3id.org/healthgraph/id/country/mw> ?p ?o }"""


def test_get_select_defaults_to_sparql_json(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_COUNTRIES})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert "Accept" in response.headers["vary"]
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 14


def test_post_form_and_direct_give_the_same_answer(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": SELECT_COUNTRIES})
    direct = client.post("/sparql", content=SELECT_COUNTRIES,
                         headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


def test_select_as_xml_csv_tsv(client: TestClient) -> None:
    for accept, marker in [
        ("application/sparql-results+xml", "<sparql"),
        ("text/csv", "c\r\n"),
        ("text/tab-separated-values", "?c\n"),
    ]:
        response = client.get("/sparql", params={"query": SELECT_COUNTRIES},
                              headers={"Accept": accept})
        assert response.status_code == 200, accept
        assert response.headers["content-type"].startswith(accept)
        assert marker in response.text
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/sparql", params={"query": SELECT_COUNTRIES}, headers={"Accept": "text/csv"}).text)))
    assert "https://w3id.org/healthgraph/id/country/mw" in {row["c"] for row in rows}


def test_ask(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ASK_MALAWI})
    assert response.json()["boolean"] is True


def test_construct_formats_parse_to_the_same_graph(client: TestClient) -> None:
    graphs = []
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld")]:
        response = client.get("/sparql", params={"query": CONSTRUCT_MALAWI},
                              headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(accept)
        graphs.append(rdflib.Graph().parse(data=response.text, format=fmt))
    assert len(graphs[0]) > 5
    assert all(rdflib.compare.isomorphic(graphs[0], other) for other in graphs[1:])


def test_syntax_error_is_400_with_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:" in response.json()["message"]


def test_unacceptable_format_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_COUNTRIES},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=SELECT_COUNTRIES,
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_twinning_query_from_the_readme(client: TestClient) -> None:
    query = (shipped_dir("queries") / "twinning.rq").read_text(encoding="utf-8")
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    rows = json.loads(response.text)["results"]["bindings"]
    members = {(r["memberLabel"]["value"], r["memberCountryLabel"]["value"]) for r in rows}
    assert members == {
        ("Ministry of Health (Malawi)", "Malawi"),
        ("Ministry of Health (Zambia)", "Zambia"),
        ("Scottish Government", "Scotland"),
    }
