"""Dereferenceable IRIs: /id/ 303s to /doc/, every format is the same graph as a CONSTRUCT."""

from __future__ import annotations

import json

import pytest
import rdflib
import rdflib.compare
from healthgraph.graph.resources import DESCRIBE_QUERY
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

BASE = "https://w3id.org/healthgraph/"
TWINNING = "partnership/twinning-partnerships-for-improvement-malawi-scotland-and-zambia"
RESOURCES = [
    "country/mw",
    TWINNING,
    "organisation/ministry-of-health-malawi",
    "document/who-tpi-partnership-preparation-package",
    "health-board/S08000024",
]
PARSERS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


def _construct(client: TestClient, iri: str) -> rdflib.Graph:
    """The CONSTRUCT of a resource, run through /sparql (the IRI written into the query here)."""
    query = DESCRIBE_QUERY.replace("?resource", f"<{iri}>")
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.text, format="nt")


def _parse(text: str, suffix: str, settings: Settings) -> rdflib.Graph:
    if suffix == "jsonld":
        document = json.loads(text)
        assert document["@context"].endswith("/ontology/context.jsonld")
        document["@context"] = json.loads(
            (settings.ontology_dir / "context.jsonld").read_text(encoding="utf-8"))["@context"]
        text = json.dumps(document)
    return rdflib.Graph().parse(data=text, format=PARSERS[suffix])


@pytest.mark.parametrize("tail", RESOURCES)
def test_every_format_is_the_construct_of_the_resource(client: TestClient, settings: Settings,
                                                      tail: str) -> None:
    expected = _construct(client, BASE + "id/" + tail)
    assert len(expected) > 3
    for suffix in PARSERS:
        response = client.get(f"/doc/{tail}.{suffix}")
        assert response.status_code == 200, suffix
        got = _parse(response.text, suffix, settings)
        assert rdflib.compare.isomorphic(got, expected), (
            suffix, set(expected) ^ set(got))


def test_json_ld_is_compact_with_the_published_context(client: TestClient) -> None:
    document = client.get("/doc/country/mw", headers={"Accept": "application/ld+json"}).json()
    assert document["label"] == "Malawi"
    assert document["isoCode"] == "MW"
    context = client.get(document["@context"].removeprefix("http://testserver"))
    assert context.status_code == 200
    assert "@context" in context.json()


@pytest.mark.parametrize(("accept", "location"), [
    ("text/html", "/doc/country/mw"),
    ("text/turtle", "/doc/country/mw.ttl"),
    ("application/ld+json", "/doc/country/mw.jsonld"),
    ("application/n-triples", "/doc/country/mw.nt"),
    ("application/rdf+xml", "/doc/country/mw.rdf"),
])
def test_id_answers_303_to_the_document_in_the_negotiated_format(
        client: TestClient, accept: str, location: str) -> None:
    response = client.get("/id/country/mw", headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]


def test_mediatype_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/id/country/mw", params={"_mediatype": "text/turtle"},
                          headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.headers["location"] == "/doc/country/mw.ttl"
    page = client.get("/doc/country/mw", params={"_mediatype": "ntriples"})
    assert page.headers["content-type"].startswith("application/n-triples")


def test_unknown_mediatype_parameter_is_400(client: TestClient) -> None:
    assert client.get("/doc/country/mw", params={"_mediatype": "image/png"}).status_code == 400


def test_unacceptable_accept_is_406(client: TestClient) -> None:
    assert client.get("/id/country/mw", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/doc/country/mw", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_iri_is_404_with_a_search_link(client: TestClient) -> None:
    machine = client.get("/id/country/xx", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404
    assert "/partnerships?q=xx" in machine.json()["message"]
    assert 'rel="search"' in machine.headers["link"]
    page = client.get("/doc/partnership/no-such-thing", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert 'href="/partnerships?q=no+such+thing"' in page.text


def test_document_links_every_format(client: TestClient) -> None:
    response = client.get(f"/doc/{TWINNING}")
    assert response.status_code == 200
    link = response.headers["link"]
    for suffix, media in [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                          ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")]:
        assert f'</doc/{TWINNING}.{suffix}>; rel="alternate"; type="{media}"' in link
        assert f'href="/doc/{TWINNING}.{suffix}"' in response.text
    assert f'</id/{TWINNING}>; rel="about"' in link


def test_html_page_shows_values_inverse_links_provenance_and_queries(client: TestClient) -> None:
    page = client.get(f"/doc/{TWINNING}").text
    assert "<h1>Twinning Partnerships for Improvement - Malawi, Scotland and Zambia</h1>" in page
    assert 'href="/id/organisation/ministry-of-health-zambia"' in page
    assert 'href="/ontology#Partnership"' in page
    assert 'href="https://www.scottishglobalhealth.org/health-partnerships"' in page
    assert "partnerships.csv" in page
    assert "/sparql?query=" in page
    organisation = client.get("/doc/organisation/ministry-of-health-malawi").text
    assert "Partners in" in organisation
    assert f'href="/id/{TWINNING}"' in organisation
    country = client.get("/doc/country/zm").text
    assert "Located here" in country


def test_conditional_get_gives_304(client: TestClient) -> None:
    first = client.get("/doc/country/mw.ttl")
    assert first.headers["etag"] and first.headers["last-modified"]
    again = client.get("/doc/country/mw.ttl", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_iris_dereference_on_any_host(settings: Settings) -> None:
    from healthgraph.server.app import create_app

    with TestClient(create_app(settings), base_url="http://kg.example.org:8080") as other:
        response = other.get("/id/country/mw", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        graph = rdflib.Graph().parse(data=response.text, format="turtle")
        assert (rdflib.URIRef(BASE + "id/country/mw"), None, None) in graph


def test_a_different_base_iri_dereferences_locally(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With HEALTHGRAPH_BASE_IRI elsewhere, /id/x on this server still means {base}id/x."""
    from healthgraph.server import pipeline
    from healthgraph.server.app import create_app

    other = Settings(state_dir=tmp_path_factory.mktemp("other-base"),
                     base_iri="https://data.example.org/health/")
    pipeline.build(other, lambda _message: None)
    with TestClient(create_app(other)) as client:
        turtle = client.get("/id/country/mw", headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
        assert (rdflib.URIRef("https://data.example.org/health/id/country/mw"), None, None) in graph
        assert (rdflib.URIRef(BASE + "id/country/mw"), None, None) not in graph
        page = client.get("/doc/organisation/ministry-of-health-malawi").text
        assert 'href="/id/country/mw"' in page
        assert 'href="/ontology#' in page
        void = rdflib.Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
        assert (None, rdflib.URIRef("http://rdfs.org/ns/void#uriSpace"),
                rdflib.Literal("https://data.example.org/health/id/")) in void


def test_every_iri_under_the_base_that_is_not_a_resource_dereferences(client: TestClient,
                                                                      settings: Settings) -> None:
    """Named graphs and builds (the PROV metadata) and the catalogue answer where they are named."""
    from healthgraph.graph.current import CurrentVersion
    from healthgraph.graph.versions import VersionedStore

    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    rows = store.select(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o
        FILTER(STRSTARTS(STR(?s), "{BASE}") && !STRSTARTS(STR(?s), "{BASE}id/")) }}""")
    iris = {str(row["s"].value) for row in rows}
    assert len(iris) >= 12
    for iri in iris:
        path = "/" + iri.removeprefix(BASE)
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200, path
        data = client.get(path, headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=data.text, format="turtle")
        assert (rdflib.URIRef(iri), None, None) in graph, path
    assert client.get("/catalog", follow_redirects=False).headers["location"] == "/dataset"


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    head = client.head("/doc/country/mw.ttl")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == client.get("/doc/country/mw.ttl").headers["etag"]
