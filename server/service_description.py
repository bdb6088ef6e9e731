"""The SPARQL 1.1 Service Description of the endpoint, answered on GET /sparql without a query."""

from __future__ import annotations

from typing import Final

from healthgraph.graph.namespaces import RDF, RDFS, SD, VOID
from healthgraph.graph.versions import VersionInfo
from healthgraph.server import conneg
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

FORMATS_NS: Final = "http://www.w3.org/ns/formats/"
FORMAT_IRIS: Final[dict[str, str]] = {
    conneg.SPARQL_JSON.name: f"{FORMATS_NS}SPARQL_Results_JSON",
    conneg.SPARQL_XML.name: f"{FORMATS_NS}SPARQL_Results_XML",
    conneg.CSV.name: f"{FORMATS_NS}SPARQL_Results_CSV",
    conneg.TSV.name: f"{FORMATS_NS}SPARQL_Results_TSV",
    conneg.TURTLE.name: f"{FORMATS_NS}Turtle",
    conneg.N_TRIPLES.name: f"{FORMATS_NS}N-Triples",
    conneg.JSON_LD.name: f"{FORMATS_NS}JSON-LD",
    conneg.RDF_XML.name: f"{FORMATS_NS}RDF_XML",
    conneg.N_QUADS.name: f"{FORMATS_NS}N-Quads",
    conneg.TRIG.name: f"{FORMATS_NS}TriG",
}
XSD_INTEGER: Final = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def describe_service(
    endpoint: str, version: VersionInfo, *, update_enabled: bool, void_url: str | None = None
) -> list[Triple]:
    """sd:Service for `endpoint`: languages, result formats, features and the default dataset
    (the union of the version's named graphs, with their sizes and a link to the VoID)."""
    service = BlankNode()
    dataset = BlankNode()
    default_graph = BlankNode()
    a = _iri(f"{RDF}type")
    triples = [
        Triple(service, a, _iri(f"{SD}Service")),
        Triple(service, _iri(f"{SD}endpoint"), _iri(endpoint)),
        Triple(service, _iri(f"{SD}supportedLanguage"), _iri(f"{SD}SPARQL11Query")),
        Triple(service, _iri(f"{SD}feature"), _iri(f"{SD}UnionDefaultGraph")),
        Triple(service, _iri(f"{SD}defaultDataset"), dataset),
        Triple(dataset, a, _iri(f"{SD}Dataset")),
        Triple(dataset, _iri(f"{SD}defaultGraph"), default_graph),
        Triple(default_graph, a, _iri(f"{SD}Graph")),
        Triple(default_graph, _iri(f"{VOID}triples"), Literal(str(version.triples), datatype=XSD_INTEGER)),
    ]
    if update_enabled:
        triples.append(Triple(service, _iri(f"{SD}supportedLanguage"), _iri(f"{SD}SPARQL11Update")))
    triples += [
        Triple(service, _iri(f"{SD}resultFormat"), _iri(iri)) for iri in FORMAT_IRIS.values()
    ]
    if void_url:
        triples += [
            Triple(dataset, a, _iri(f"{VOID}Dataset")),
            Triple(dataset, _iri(f"{VOID}sparqlEndpoint"), _iri(endpoint)),
            Triple(dataset, _iri(f"{RDFS}seeAlso"), _iri(void_url)),
        ]
    graphs: dict[str, int] = version.statistics.get("graphs", {})
    for name, size in sorted(graphs.items()):
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, _iri(f"{SD}namedGraph"), named),
            Triple(named, a, _iri(f"{SD}NamedGraph")),
            Triple(named, _iri(f"{SD}name"), _iri(name)),
            Triple(named, _iri(f"{SD}graph"), graph),
            Triple(graph, a, _iri(f"{SD}Graph")),
            Triple(graph, _iri(f"{VOID}triples"), Literal(str(size), datatype=XSD_INTEGER)),
        ]
    return triples


def serialize_description(triples: list[Triple], fmt: RdfFormat) -> bytes:
    return serialize(triples, format=fmt, prefixes={"sd": SD, "void": VOID, "rdfs": RDFS}) or b""
