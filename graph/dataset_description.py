"""The dataset describing itself: VoID and DCAT, from one store version's statistics and dumps.

Every count comes from `VersionInfo.statistics` (computed at build time by
graph/statistics.py), so a description never scans the store. Identifiers live under the base
IRI (`{base}dataset`, `{base}dumps/{file}`); where the service can actually be reached (the
SPARQL endpoint, the download URLs) is `AccessPoints`, given by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import rdflib
from healthgraph.graph.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    ONTOLOGY_IRI,
    ORG,
    PREFIXES,
    PROV,
    SCHEMA,
    SKOS,
    VOID,
)
from healthgraph.graph.versions import VersionInfo
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

SPDX: Final = "http://spdx.org/rdf/terms#"
IANA_MEDIA: Final = "https://www.iana.org/assignments/media-types/"
CC_BY_4: Final = "https://creativecommons.org/licenses/by/4.0/"
OGL_3: Final = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
TITLE: Final = "healthgraph: NHS Scotland international health partnerships"
DESCRIPTION: Final = (
    "An open knowledge graph of the international health partnerships of NHS Scotland: "
    "partnerships and funded projects, the organisations in them and the part each plays, "
    "countries, NHS Scotland health boards, programmes and funds, guidance documents, and the "
    "roles of the NHS Scotland Global Citizenship Programme. Every fact links to the public page "
    "it was read from (dcterms:source)."
)
RIGHTS: Final = (
    "The curated dataset is under CC BY 4.0 (credit: healthgraph contributors). Material from "
    "gov.scot, the Scottish Parliament and NHS Scotland is Crown copyright / NHS Scotland material "
    "re-used under the Open Government Licence v3.0; every resource names its source pages with "
    "dcterms:source, which is the attribution."
)
VOCABULARIES: Final = (ONTOLOGY_IRI, ORG.rstrip("#"), SCHEMA, DCTERMS, SKOS.rstrip("#"), PROV.rstrip("#"),
                       FOAF, DCAT.rstrip("#"), VOID.rstrip("#"))
KEYWORDS: Final = ("health partnerships", "NHS Scotland", "global health", "Malawi", "Zambia", "Rwanda",
                   "international development", "linked data")


@dataclass(frozen=True)
class AccessPoints:
    """Where this service is reached (absolute URL of the app root, ending in '/')."""

    root: str

    def url(self, path: str) -> URIRef:
        return URIRef(self.root + path.lstrip("/"))


def dataset_iri(base_iri: str) -> URIRef:
    return URIRef(f"{base_iri}dataset")


def describe_dataset(version: VersionInfo, base_iri: str, access: AccessPoints) -> rdflib.Graph:
    """VoID + DCAT description of the dataset as served from `version`."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, "spdx": SPDX}.items():
        graph.bind(prefix, namespace)
    void, dcat, dct = rdflib.Namespace(VOID), rdflib.Namespace(DCAT), rdflib.Namespace(DCTERMS)
    stats = version.statistics
    dataset = dataset_iri(base_iri)
    catalog = URIRef(f"{base_iri}catalog")
    sparql = URIRef(f"{base_iri}sparql")
    queries_api = URIRef(f"{base_iri}queries")
    integer = XSD.integer

    add = graph.add
    add((catalog, RDF.type, dcat.Catalog))
    add((catalog, dct.title, Literal("healthgraph catalogue", lang="en")))
    add((catalog, dcat.dataset, dataset))
    add((catalog, dcat.service, sparql))
    add((catalog, dcat.service, queries_api))
    add((catalog, dct.license, URIRef(CC_BY_4)))

    for kind in (void.Dataset, dcat.Dataset):
        add((dataset, RDF.type, kind))
    add((dataset, dct.title, Literal(TITLE, lang="en")))
    add((dataset, dct.description, Literal(DESCRIPTION, lang="en")))
    add((dataset, dct.license, URIRef(CC_BY_4)))
    add((dataset, dct.rights, Literal(RIGHTS, lang="en")))
    add((dataset, dct.source, URIRef(OGL_3)))
    add((dataset, dct.modified, Literal(version.built_at.isoformat(), datatype=XSD.dateTime)))
    add((dataset, dct.identifier, Literal(version.id)))
    add((dataset, dcat.landingPage, access.url("dataset")))
    add((dataset, dcat.version, Literal(version.id)))
    for keyword in KEYWORDS:
        add((dataset, dcat.keyword, Literal(keyword, lang="en")))
    add((dataset, URIRef(f"{PROV}wasGeneratedBy"), URIRef(f"{base_iri}build/{version.id}")))
    add((dataset, void.uriSpace, Literal(f"{base_iri}id/")))
    add((dataset, void.sparqlEndpoint, access.url("sparql")))
    for vocabulary in VOCABULARIES:
        add((dataset, void.vocabulary, URIRef(vocabulary)))
    add((dataset, void.triples, Literal(int(stats.get("union_triples", 0)), datatype=integer)))
    add((dataset, void.entities, Literal(int(stats.get("entities", 0)), datatype=integer)))
    add((dataset, void.distinctSubjects, Literal(int(stats.get("distinct_subjects", 0)), datatype=integer)))
    add((dataset, void.distinctObjects, Literal(int(stats.get("distinct_objects", 0)), datatype=integer)))
    add((dataset, void.classes, Literal(len(stats.get("classes", {})), datatype=integer)))
    add((dataset, void.properties, Literal(len(stats.get("property_triples", {})), datatype=integer)))
    for cls, count in sorted(stats.get("classes", {}).items()):
        partition = BNode()
        add((dataset, void.classPartition, partition))
        add((partition, void["class"], URIRef(cls)))
        add((partition, void.entities, Literal(count, datatype=integer)))
    for prop, count in sorted(stats.get("property_triples", {}).items()):
        partition = BNode()
        add((dataset, void.propertyPartition, partition))
        add((partition, void.property, URIRef(prop)))
        add((partition, void.triples, Literal(count, datatype=integer)))
    for named, count in sorted(stats.get("graphs", {}).items()):
        add((dataset, void.subset, URIRef(named)))
        add((URIRef(named), RDF.type, void.Dataset))
        add((URIRef(named), void.triples, Literal(count, datatype=integer)))

    for dump in version.dumps:
        distribution = URIRef(f"{base_iri}dumps/{dump.file}")
        download = access.url(f"dumps/{dump.file}")
        add((dataset, void.dataDump, download))
        add((dataset, dcat.distribution, distribution))
        add((distribution, RDF.type, dcat.Distribution))
        add((distribution, dct.title, Literal(dump.title, lang="en")))
        add((distribution, dcat.downloadURL, download))
        add((distribution, dcat.accessURL, download))
        add((distribution, dcat.mediaType, URIRef(IANA_MEDIA + dump.media_type)))
        if dump.compression:
            add((distribution, dcat.compressFormat, URIRef(IANA_MEDIA + dump.compression)))
        add((distribution, dcat.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        add((distribution, dct.license, URIRef(CC_BY_4)))
        add((distribution, dct.issued, Literal(version.built_at.isoformat(), datatype=XSD.dateTime)))
        checksum = BNode()
        add((distribution, URIRef(f"{SPDX}checksum"), checksum))
        add((checksum, RDF.type, URIRef(f"{SPDX}Checksum")))
        add((checksum, URIRef(f"{SPDX}algorithm"), URIRef(f"{SPDX}checksumAlgorithm_sha256")))
        add((checksum, URIRef(f"{SPDX}checksumValue"), Literal(dump.sha256, datatype=XSD.hexBinary)))

    add((sparql, RDF.type, dcat.DataService))
    add((sparql, dct.title, Literal("SPARQL 1.1 query endpoint", lang="en")))
    add((sparql, dcat.endpointURL, access.url("sparql")))
    add((sparql, dct.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((sparql, dcat.servesDataset, dataset))
    add((queries_api, RDF.type, dcat.DataService))
    add((queries_api, dct.title, Literal("Named queries API", lang="en")))
    add((queries_api, dcat.endpointURL, access.url("queries")))
    add((queries_api, dcat.endpointDescription, access.url("queries/openapi.json")))
    add((queries_api, dct.conformsTo, URIRef("https://spec.openapis.org/oas/v3.0.3")))
    add((queries_api, dcat.servesDataset, dataset))
    return graph
