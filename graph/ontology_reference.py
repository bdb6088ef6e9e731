"""A reference of the ontology, read from `ontology/healthgraph.ttl` and `shapes.ttl`.

Every own class and property with its label, comment, superclasses / superproperties,
domain and range, and the SHACL node shapes with their property constraints. The /ontology page
renders it; nothing here queries the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from healthgraph.graph.namespaces import HG, ONTOLOGY_IRI, SCHEMA
from rdflib.namespace import OWL, RDF, RDFS, SH

DCTERMS_TITLE = rdflib.URIRef("http://purl.org/dc/terms/title")
DCTERMS_DESCRIPTION = rdflib.URIRef("http://purl.org/dc/terms/description")


@dataclass(frozen=True)
class Constraint:
    """One property constraint of a node shape."""

    path: str
    name: str | None
    min_count: int | None
    max_count: int | None
    expects: list[str]
    severity: str
    message: str | None


@dataclass(frozen=True)
class Shape:
    iri: str
    label: str | None
    comment: str | None
    targets: list[str]
    constraints: list[Constraint]


@dataclass(frozen=True)
class Term:
    iri: str
    kind: str
    label: str
    comment: str
    parents: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.iri.removeprefix(HG)


@dataclass(frozen=True)
class OntologyReference:
    iri: str
    title: str
    description: str
    version: str
    classes: list[Term]
    properties: list[Term]
    shapes: list[Shape]


def _text(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def _iris(graph: rdflib.Graph, subject: rdflib.term.Node, *predicates: rdflib.URIRef) -> list[str]:
    return sorted({str(o) for p in predicates for o in graph.objects(subject, p)
                   if isinstance(o, rdflib.URIRef)})


def _int(graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef) -> int | None:
    value = graph.value(node, predicate)
    return None if value is None else int(str(value))


def _constraint(shapes: rdflib.Graph, node: rdflib.term.Node) -> Constraint | None:
    path = shapes.value(node, SH.path)
    if path is None:
        return None
    expects = [str(o) for p in (SH.datatype, SH["class"], SH.node) for o in shapes.objects(node, p)]
    kind = shapes.value(node, SH.nodeKind)
    if kind is not None and not expects:
        expects = [str(kind)]
    if (pattern := shapes.value(node, SH.pattern)) is not None:
        expects.append(f"pattern {pattern}")
    if (values := shapes.value(node, SH["in"])) is not None:
        expects.append("one of " + ", ".join(str(v) for v in rdflib.collection.Collection(shapes, values)))
    severity = shapes.value(node, SH.severity)
    return Constraint(
        path=str(path) if isinstance(path, rdflib.URIRef) else "(a path expression)",
        name=_text(shapes, node, SH.name),
        min_count=_int(shapes, node, SH.minCount),
        max_count=_int(shapes, node, SH.maxCount),
        expects=expects,
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        message=_text(shapes, node, SH.message),
    )


def _shapes(shapes: rdflib.Graph) -> list[Shape]:
    found = []
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if not isinstance(node, rdflib.URIRef):
            continue
        constraints = [c for p in shapes.objects(node, SH.property) if (c := _constraint(shapes, p))]
        found.append(Shape(
            iri=str(node),
            label=_text(shapes, node, RDFS.label),
            comment=_text(shapes, node, RDFS.comment),
            targets=_iris(shapes, node, SH.targetClass),
            constraints=sorted(constraints, key=lambda c: (c.path, c.name or "")),
        ))
    return found


def read_reference(ontology: Path, shapes_path: Path | None) -> OntologyReference:
    """The reference of the ontology in `ontology` (Turtle), with the shapes in `shapes_path`."""
    graph = rdflib.Graph().parse(ontology, format="turtle")
    shapes_graph = rdflib.Graph()
    if shapes_path is not None and shapes_path.exists():
        shapes_graph.parse(shapes_path, format="turtle")
    shapes = _shapes(shapes_graph)
    node = rdflib.URIRef(ONTOLOGY_IRI)

    def term(iri: rdflib.term.Node, kind: str, parent: rdflib.URIRef) -> Term:
        return Term(
            iri=str(iri),
            kind=kind,
            label=_text(graph, iri, RDFS.label) or str(iri).removeprefix(HG),
            comment=" ".join((_text(graph, iri, RDFS.comment) or "").split()),
            parents=_iris(graph, iri, parent),
            domains=_iris(graph, iri, RDFS.domain, rdflib.URIRef(f"{SCHEMA}domainIncludes")),
            ranges=_iris(graph, iri, RDFS.range, rdflib.URIRef(f"{SCHEMA}rangeIncludes")),
            shapes=[s for s in shapes if str(iri) in s.targets],
        )

    own = sorted((s for s in set(graph.subjects()) if str(s).startswith(HG)), key=str)
    classes = [term(s, "class", RDFS.subClassOf) for s in own if (s, RDF.type, OWL.Class) in graph]
    properties = [
        term(s, kind, RDFS.subPropertyOf)
        for s in own
        for kind, cls in (
            ("object property", OWL.ObjectProperty),
            ("datatype property", OWL.DatatypeProperty),
            ("annotation property", OWL.AnnotationProperty),
        )
        if (s, RDF.type, cls) in graph
    ]
    return OntologyReference(
        iri=ONTOLOGY_IRI,
        title=_text(graph, node, DCTERMS_TITLE) or "healthgraph ontology",
        description=" ".join((_text(graph, node, DCTERMS_DESCRIPTION) or "").split()),
        version=_text(graph, node, OWL.versionInfo) or "",
        classes=classes,
        properties=properties,
        shapes=shapes,
    )
