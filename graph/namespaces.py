"""Every namespace the project uses, in one place.

`HG` is the ontology namespace. It is fixed: a vocabulary term means the same
thing wherever the data is hosted. Resource IRIs live under the configurable
base IRI instead (see `healthgraph.graph.iris`).
"""

from __future__ import annotations

from typing import Final

HG: Final = "https://w3id.org/healthgraph/ontology#"
ONTOLOGY_IRI: Final = "https://w3id.org/healthgraph/ontology"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
DCAT: Final = "http://www.w3.org/ns/dcat#"
VOID: Final = "http://rdfs.org/ns/void#"
PROV: Final = "http://www.w3.org/ns/prov#"
ORG: Final = "http://www.w3.org/ns/org#"
SCHEMA: Final = "https://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
SH: Final = "http://www.w3.org/ns/shacl#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
WD: Final = "http://www.wikidata.org/entity/"

PREFIXES: Final[dict[str, str]] = {
    "hg": HG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "prov": PROV,
    "org": ORG,
    "schema": SCHEMA,
    "foaf": FOAF,
    "sh": SH,
    "sd": SD,
    "wd": WD,
}


def sparql_prefixes(extra: dict[str, str] | None = None) -> str:
    """The PREFIX block for a SPARQL query, with `extra` prefixes added."""
    prefixes = {**PREFIXES, **(extra or {})}
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def turtle_prefixes(extra: dict[str, str] | None = None) -> str:
    """The @prefix block for a Turtle document."""
    prefixes = {**PREFIXES, **(extra or {})}
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())
