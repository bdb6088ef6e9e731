"""Describing one resource: what a linked-data page or a `/id/...` lookup shows.

The description of a resource is a CONSTRUCT of its outgoing triples plus the labels of the
things it links to (`DESCRIBE_QUERY`); every format of a resource is that graph. The HTML page
adds what points at the resource (inverse links, `INVERSE_QUERY`) and the named graphs its
triples come from with their PROV metadata (`PROVENANCE_QUERY`). The resource is always bound as
an RDF term, never pasted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import rdflib
from healthgraph.graph.namespaces import PREFIXES, sparql_prefixes
from healthgraph.graph.store import Store, Term
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

DESCRIBE_QUERY: Final = sparql_prefixes() + """CONSTRUCT {
  ?resource ?property ?value .
  ?value rdfs:label ?valueLabel .
} WHERE {
  { ?resource ?property ?value }
  UNION
  { ?resource ?property ?value . FILTER(isIRI(?value)) ?value rdfs:label ?valueLabel }
}"""

INVERSE_QUERY: Final = sparql_prefixes() + """SELECT DISTINCT ?resource ?subject ?property ?subjectLabel
WHERE {
  ?subject ?property ?resource .
  FILTER(isIRI(?subject) && ?property != rdf:type)
  OPTIONAL { ?subject rdfs:label ?subjectLabel }
}
ORDER BY ?property ?subjectLabel ?subject"""

PROVENANCE_QUERY: Final = sparql_prefixes() + """SELECT DISTINCT ?resource ?graph ?file ?generatedAt
                                                   ?activity ?description
WHERE {
  GRAPH ?graph { ?resource ?property ?value }
  OPTIONAL { ?graph hg:sourceFile ?file }
  OPTIONAL { ?graph prov:generatedAtTime ?generatedAt }
  OPTIONAL { ?graph prov:wasGeneratedBy ?activity }
  OPTIONAL { ?graph dcterms:description ?description }
}
ORDER BY ?graph"""

EXISTS_QUERY: Final = "ASK { ?resource ?property ?value }"

TERM_LABELS_QUERY: Final = sparql_prefixes() + """SELECT ?term ?label WHERE {
  ?term rdfs:isDefinedBy ?ontology ; rdfs:label ?label .
}"""

LABEL_PROPERTIES: Final = (
    f"{PREFIXES['rdfs']}label",
    f"{PREFIXES['skos']}prefLabel",
    f"{PREFIXES['dcterms']}title",
    f"{PREFIXES['schema']}name",
)


@dataclass(frozen=True)
class InverseLink:
    """`subject property resource`: something that points at the resource."""

    subject: str
    property: str
    label: str | None


@dataclass(frozen=True)
class GraphProvenance:
    """A named graph holding some of the resource's triples, with where it came from."""

    graph: str
    file: str | None
    generated_at: str | None
    activity: str | None
    description: str | None


def _value(row: dict[str, Term], name: str) -> str | None:
    term = row.get(name)
    if term is None or isinstance(term, Triple):
        return None
    return str(term.value)


def exists(store: Store, iri: str) -> bool:
    """Whether the graph states anything about `iri` (as a subject)."""
    return store.ask(EXISTS_QUERY, {"resource": NamedNode(iri)})


def describe(store: Store, iri: str) -> list[Triple]:
    """The description of `iri`: its outgoing triples and the labels of what it links to.

    Empty when the graph says nothing about `iri`.
    """
    return store.construct(DESCRIBE_QUERY, {"resource": NamedNode(iri)})


def inverse_links(store: Store, iri: str) -> list[InverseLink]:
    """What links to `iri` (other than by rdf:type), each linking resource with its label."""
    rows = store.select(INVERSE_QUERY, {"resource": NamedNode(iri)})
    return [
        InverseLink(str(_value(row, "subject")), str(_value(row, "property")), _value(row, "subjectLabel"))
        for row in rows
    ]


def provenance(store: Store, iri: str) -> list[GraphProvenance]:
    """The named graphs that state something about `iri`, with their PROV metadata."""
    rows = store.select(PROVENANCE_QUERY, {"resource": NamedNode(iri)})
    return [
        GraphProvenance(
            graph=str(_value(row, "graph")),
            file=_value(row, "file"),
            generated_at=_value(row, "generatedAt"),
            activity=_value(row, "activity"),
            description=_value(row, "description"),
        )
        for row in rows
    ]


def term_labels(store: Store) -> dict[str, str]:
    """Labels of the vocabulary terms the loaded ontology defines (for headings on pages)."""
    return {
        str(_value(row, "term")): str(_value(row, "label"))
        for row in store.select(TERM_LABELS_QUERY)
    }


def label_of(triples: list[Triple], iri: str) -> str | None:
    """The best label `triples` give `iri` (rdfs:label, skos:prefLabel, dcterms:title, schema:name)."""
    found: dict[str, str] = {}
    for triple in triples:
        if isinstance(triple.subject, NamedNode) and triple.subject.value == iri:
            predicate = triple.predicate.value
            if predicate in LABEL_PROPERTIES and isinstance(triple.object, Literal):
                found.setdefault(predicate, triple.object.value)
    return next((found[p] for p in LABEL_PROPERTIES if p in found), None)


def _rdflib_term(term: object) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == f"{PREFIXES['xsd']}string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


def to_rdflib(triples: list[Triple]) -> rdflib.Graph:
    """`triples` as an rdflib graph, with the project's prefixes bound (for serialising)."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add((_rdflib_term(triple.subject), _rdflib_term(triple.predicate), _rdflib_term(triple.object)))
    return graph
