"""The whole app over a remote SPARQL engine (`oxigraph serve`), answering as the embedded
store does: the endpoint, GraphQL, linked-data pages, named queries, pages."""

from __future__ import annotations

import httpx
import rdflib
import rdflib.compare
from healthgraph.graph.paths import shipped_dir

TWINNING = (shipped_dir("queries") / "twinning.rq").read_text(encoding="utf-8")
MEMBERS = {
    ("Ministry of Health (Malawi)", "Malawi"),
    ("Ministry of Health (Zambia)", "Zambia"),
    ("Scottish Government", "Scotland"),
}


def _members(response: httpx.Response) -> set[tuple[str, str]]:
    rows = response.json()["results"]["bindings"]
    return {(r["memberLabel"]["value"], r["memberCountryLabel"]["value"]) for r in rows}


def test_sparql_twinning_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.post("/sparql", data={"query": TWINNING},
                               headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert _members(response) == MEMBERS


def test_sparql_construct_formats_on_every_backend(any_client: httpx.Client) -> None:
    query = ("CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/healthgraph/ontology#isoCode> "
             "\"MW\" ; ?p ?o }")
    turtle = any_client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 5


def test_syntax_error_is_400_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400


def test_graphql_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.post("/graphql", json={
        "query": "{ country(isoCode: \"MW\") { label } }"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["country"]["label"] == "Malawi"


def test_named_query_api_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.get("/queries/twinning", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert _members(response) == MEMBERS


def test_resource_page_formats_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.get("/doc/country/mw.ttl")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (None, None, rdflib.Literal("Malawi", lang="en")) in graph
    assert any_client.get("/doc/country/mw").status_code == 200


def test_search_page_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.get("/partnerships", params={"country": "MW", "q": "Matawale"})
    assert response.status_code == 200
    assert "Westgate Matawale Twinning Project" in response.text


def test_named_query_csv_on_every_backend(any_client: httpx.Client) -> None:
    response = any_client.get("/queries/countries-ranked", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert "Malawi" in response.text
