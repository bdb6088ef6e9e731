"""The three W3C SPARQL 1.1 Service Description tests, which the suite describes in prose only
(service-description/manifest.ttl): has-endpoint-triple, returns-rdf, conforms-to-schema."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, XSD
from starlette.testclient import TestClient

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
ENDPOINT = "http://testserver/sparql"

# The SD vocabulary (https://www.w3.org/TR/sparql11-service-description/#vocab): every class,
# property and instance it defines, and the constraints its text states.
SD_CLASSES = {SD[n] for n in ("Service", "Language", "Function", "Aggregate", "EntailmentRegime",
                               "EntailmentProfile", "GraphCollection", "Dataset", "Graph",
                               "NamedGraph", "Feature")}
SD_PROPERTIES = {SD[n] for n in (
    "endpoint", "feature", "defaultEntailmentRegime", "supportedEntailmentProfile",
    "entailmentRegime", "extensionFunction", "extensionAggregate", "languageExtension",
    "supportedLanguage", "propertyFeature", "defaultDataset", "availableGraphs", "resultFormat",
    "inputFormat", "defaultGraph", "namedGraph", "name", "graph", "defaultEntailmentProfile",
)}
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {SD[n] for n in ("DereferencesURIs", "UnionDefaultGraph", "RequiresDataset",
                                "EmptyGraphs", "BasicFederatedQuery")}


def _description(client: TestClient, accept: str = "text/turtle") -> rdflib.Graph:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml",
           "application/n-triples": "nt", "application/ld+json": "json-ld"}[
        response.headers["content-type"].split(";")[0]]
    return rdflib.Graph().parse(data=response.content, format=fmt)


def test_returns_rdf(client: TestClient) -> None:
    """GET on the endpoint without a query returns RDF, in each format a client asks for."""
    for accept in ("text/turtle", "application/rdf+xml", "application/n-triples",
                   "application/ld+json"):
        graph = _description(client, accept)
        assert (None, RDF.type, SD.Service) in graph, accept
    plain = client.get("/sparql", headers={"Accept": "*/*"})
    assert plain.headers["content-type"].startswith("text/turtle")


def test_browsers_get_the_editor(client: TestClient) -> None:
    response = client.get("/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_has_endpoint_triple(client: TestClient) -> None:
    """The description has an sd:endpoint triple naming the URL that was dereferenced."""
    graph = _description(client)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert list(graph.objects(services[0], SD.endpoint)) == [rdflib.URIRef(ENDPOINT)]


def test_conforms_to_schema(client: TestClient) -> None:
    """Every sd: term exists in the vocabulary and is used with the domain and range the
    Service Description spec gives it."""
    graph = _description(client)
    for _s, p, o in graph:
        if str(p).startswith(str(SD)):
            assert p in SD_PROPERTIES, p
        if p == RDF.type and str(o).startswith(str(SD)):
            assert o in SD_CLASSES, o
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert set(graph.objects(service, SD.supportedLanguage)) <= SD_LANGUAGES
    assert SD.SPARQL11Query in set(graph.objects(service, SD.supportedLanguage))
    assert set(graph.objects(service, SD.feature)) <= SD_FEATURES
    formats = set(graph.objects(service, SD.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert all(isinstance(f, rdflib.URIRef) for f in formats)
    (dataset,) = graph.objects(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    (default_graph,) = graph.objects(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in graph
    named = list(graph.objects(dataset, SD.namedGraph))
    assert named
    for item in named:
        assert (item, RDF.type, SD.NamedGraph) in graph
        names = list(graph.objects(item, SD.name))
        assert len(names) == 1 and isinstance(names[0], rdflib.URIRef)
        (inner,) = graph.objects(item, SD.graph)
        assert (inner, RDF.type, SD.Graph) in graph
        (size,) = graph.objects(inner, VOID.triples)
        assert size.datatype == XSD.integer and int(size) > 0
    assert list(graph.objects(dataset, rdflib.RDFS.seeAlso)) == [
        rdflib.URIRef("http://testserver/.well-known/void")]


def test_update_language_only_when_enabled(client: TestClient) -> None:
    graph = _description(client)
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph
