"""VoID/DCAT statements check out against the store; dumps load back to the served graph."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest
import rdflib
import rdflib.compare
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.dataset_description import AccessPoints
from healthgraph.graph.store import EmbeddedStore
from healthgraph.graph.versions import VersionedStore, VersionInfo
from healthgraph.server.dataset import dataset_jsonld
from healthgraph.server.settings import Settings
from pyoxigraph import Quad, RdfFormat, Store
from starlette.testclient import TestClient

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DATASET = rdflib.URIRef("https://w3id.org/healthgraph/dataset")


def _store(settings: Settings) -> EmbeddedStore:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store


def _count(store: EmbeddedStore, query: str) -> int:
    return int(store.select(query)[0]["n"].value)


@pytest.fixture(scope="module")
def void_graph(settings: Settings) -> rdflib.Graph:
    from healthgraph.server.app import create_app

    with TestClient(create_app(settings)) as client:
        response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def _int(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> int:
    value = graph.value(subject, predicate)
    assert value is not None, (subject, predicate)
    return int(value)


def test_void_totals_equal_count_queries(void_graph: rdflib.Graph, settings: Settings) -> None:
    store = _store(settings)
    assert _int(void_graph, DATASET, VOID.triples) == _count(
        store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert _int(void_graph, DATASET, VOID.distinctSubjects) == _count(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert _int(void_graph, DATASET, VOID.distinctObjects) == _count(
        store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert _int(void_graph, DATASET, VOID.entities) == _count(
        store, """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o
                  FILTER(STRSTARTS(STR(?s), "https://w3id.org/healthgraph/id/")) }""")
    assert _int(void_graph, DATASET, VOID.classes) == _count(
        store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    assert _int(void_graph, DATASET, VOID.properties) == _count(
        store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert str(void_graph.value(DATASET, VOID.uriSpace)) == "https://w3id.org/healthgraph/id/"


def test_every_class_partition_equals_its_count(void_graph: rdflib.Graph, settings: Settings) -> None:
    store = _store(settings)
    partitions = list(void_graph.objects(DATASET, VOID.classPartition))
    assert len(partitions) > 20
    for partition in partitions:
        cls = void_graph.value(partition, VOID["class"])
        assert _int(void_graph, partition, VOID.entities) == _count(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"), cls


def test_every_property_partition_equals_its_count(void_graph: rdflib.Graph, settings: Settings) -> None:
    store = _store(settings)
    partitions = list(void_graph.objects(DATASET, VOID.propertyPartition))
    assert len(partitions) > 30
    for partition in partitions:
        prop = void_graph.value(partition, VOID.property)
        assert _int(void_graph, partition, VOID.triples) == _count(
            store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{prop}> ?o }} }}"
        ), prop


def test_every_subset_is_a_named_graph_with_its_count(void_graph: rdflib.Graph, settings: Settings) -> None:
    store = _store(settings)
    subsets = list(void_graph.objects(DATASET, VOID.subset))
    assert len(subsets) == _count(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    for graph in subsets:
        assert _int(void_graph, graph, VOID.triples) == _count(
            store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def test_dcat_distributions_match_the_downloads(void_graph: rdflib.Graph, client: TestClient) -> None:
    distributions = list(void_graph.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        url = str(void_graph.value(distribution, DCAT.downloadURL))
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        body = response.content
        assert _int(void_graph, distribution, DCAT.byteSize) == len(body)
        checksum = void_graph.value(distribution, SPDX.checksum)
        assert void_graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void_graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert response.headers["etag"] == f'"{hashlib.sha256(body).hexdigest()}"'
        assert response.headers["last-modified"]
        again = client.get(url.removeprefix("http://testserver"),
                           headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304


def test_void_names_endpoint_vocabularies_and_licence(void_graph: rdflib.Graph, client: TestClient) -> None:
    endpoint = str(void_graph.value(DATASET, VOID.sparqlEndpoint))
    assert client.get(endpoint.removeprefix("http://testserver"),
                      params={"query": "ASK {}"}).json()["boolean"] is True
    vocabularies = set(void_graph.objects(DATASET, VOID.vocabulary))
    assert rdflib.URIRef("https://w3id.org/healthgraph/ontology") in vocabularies
    assert rdflib.URIRef("http://www.w3.org/ns/org") in vocabularies
    assert void_graph.value(DATASET, DCT.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert "Open Government Licence v3.0" in str(void_graph.value(DATASET, DCT.rights))
    assert len(list(void_graph.objects(DATASET, VOID.dataDump))) == 3


def test_dataset_formats_are_the_same_graph(client: TestClient, void_graph: rdflib.Graph,
                                            settings: Settings) -> None:
    import json

    document = client.get("/dataset", params={"_mediatype": "jsonld"}).json()
    document["@context"] = json.loads((settings.ontology_dir / "context.jsonld").read_text())["@context"]
    as_jsonld = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    as_xml = rdflib.Graph().parse(data=client.get("/dataset", headers={"Accept": "application/rdf+xml"}).text,
                                  format="xml")
    assert rdflib.compare.isomorphic(as_jsonld, void_graph)
    assert rdflib.compare.isomorphic(as_xml, void_graph)


def test_dataset_page_embeds_schema_org_dataset(client: TestClient) -> None:
    page = client.get("/dataset", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert '<script type="application/ld+json">' in page.text
    assert "healthgraph.nq.gz" in page.text
    browser = client.get("/.well-known/void", headers={"Accept": "text/html,*/*;q=0.8"},
                         follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/dataset"


def test_dataset_jsonld_is_a_schema_org_dataset(version: VersionInfo) -> None:
    document = dataset_jsonld(version, "https://w3id.org/healthgraph/", AccessPoints("http://example.org/"))
    assert document["@type"] == "Dataset"
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {d["contentUrl"] for d in document["distribution"]} == {
        "http://example.org/dumps/healthgraph.nq.gz", "http://example.org/dumps/healthgraph.ttl",
        "http://example.org/dumps/healthgraph.jsonld"}
    graph = rdflib.Graph().parse(data=__import__("json").dumps(
        {**document, "@context": {"@vocab": "https://schema.org/"}}), format="json-ld")
    assert (None, rdflib.RDF.type, rdflib.URIRef("https://schema.org/Dataset")) in graph


def _served_quads(settings: Settings) -> set[Quad]:
    return set(_store(settings).raw.quads_for_pattern(None, None, None, None))


def test_nquads_dump_loads_back_to_the_served_dataset(client: TestClient, settings: Settings) -> None:
    body = gzip.decompress(client.get("/dumps/healthgraph.nq.gz").content)
    fresh = Store()
    fresh.load(io.BytesIO(body), RdfFormat.N_QUADS)
    assert set(fresh.quads_for_pattern(None, None, None, None)) == _served_quads(settings)


def test_jsonld_dump_loads_back_to_the_served_dataset(client: TestClient, settings: Settings) -> None:
    fresh = Store()
    fresh.load(io.BytesIO(client.get("/dumps/healthgraph.jsonld").content), RdfFormat.JSON_LD)
    assert set(fresh.quads_for_pattern(None, None, None, None)) == _served_quads(settings)


def test_turtle_dump_loads_back_to_the_served_union_graph(client: TestClient, settings: Settings) -> None:
    fresh = Store()
    fresh.load(io.BytesIO(client.get("/dumps/healthgraph.ttl").content), RdfFormat.TURTLE)
    loaded = {(q.subject, q.predicate, q.object) for q in fresh.quads_for_pattern(None, None, None, None)}
    served = {(q.subject, q.predicate, q.object) for q in _served_quads(settings)}
    assert loaded == served


def test_unknown_dump_is_404(client: TestClient) -> None:
    assert client.get("/dumps/secrets.txt").status_code == 404


def test_a_build_without_dumps_describes_no_distributions(tmp_path_factory: pytest.TempPathFactory) -> None:
    from healthgraph.server import pipeline
    from healthgraph.server.app import create_app

    settings = Settings(state_dir=tmp_path_factory.mktemp("no-dumps"), build_dumps=False)
    info = pipeline.build(settings, lambda _message: None)
    assert info.dumps == [] and not (info.path / "dumps").exists()
    with TestClient(create_app(settings)) as client:
        graph = rdflib.Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
        assert not list(graph.objects(DATASET, DCAT.distribution))
        assert client.get("/dumps/healthgraph.nq.gz").status_code == 404


def test_landing_page_embeds_the_schema_org_dataset(client: TestClient) -> None:
    import json
    import re

    page = client.get("/", headers={"Accept": "text/html"}).text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1
    document = json.loads(scripts[0])
    assert document["@type"] == "Dataset" and document["@id"] == str(DATASET)
    assert len(document["distribution"]) == 3
