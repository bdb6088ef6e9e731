"""The ontology dereferences at its IRI: an HTML reference of every term, and the Turtle itself."""

from __future__ import annotations

import rdflib
import rdflib.compare
from healthgraph.server.settings import Settings
from rdflib.namespace import OWL, RDF, RDFS, SH
from starlette.testclient import TestClient


def test_html_reference_lists_every_term_with_label_comment_and_shape(
        client: TestClient, settings: Settings) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    ontology = rdflib.Graph().parse(settings.ontology_path, format="turtle")
    terms = [s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith("https://w3id.org/healthgraph/")]
    assert len(terms) > 40
    for term in terms:
        name = str(term).rsplit("#", 1)[-1]
        assert f'id="{name}"' in page, name
        assert str(ontology.value(term, RDFS.label)) in page, name
    assert "hg:Partnership" in page and "Subclass of" in page and "Domain" in page and "Range" in page
    shapes = rdflib.Graph().parse(settings.shapes_path, format="turtle")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, rdflib.URIRef):
            assert f'id="shape-{str(shape).rsplit("#", 1)[-1]}"' in page


def test_turtle_by_conneg_is_the_ontology_file(client: TestClient, settings: Settings) -> None:
    for response in (client.get("/ontology", headers={"Accept": "text/turtle"}),
                     client.get("/ontology", params={"_mediatype": "turtle"}),
                     client.get("/ontology.ttl")):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/turtle")
        served = rdflib.Graph().parse(data=response.text, format="turtle")
        shipped = rdflib.Graph().parse(settings.ontology_path, format="turtle")
        assert rdflib.compare.isomorphic(served, shipped)


def test_shapes_and_context_are_published(client: TestClient) -> None:
    assert client.get("/ontology/shapes.ttl").headers["content-type"].startswith("text/turtle")
    context = client.get("/ontology/context.jsonld")
    assert context.headers["content-type"].startswith("application/ld+json")
    assert context.json()["@context"]["hg"] == "https://w3id.org/healthgraph/ontology#"


def test_ontology_refuses_formats_it_does_not_have(client: TestClient) -> None:
    assert client.get("/ontology", headers={"Accept": "application/rdf+xml"}).status_code == 406
