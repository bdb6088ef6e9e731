"""SHACL validation of a built store against `ontology/shapes.ttl` (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from healthgraph.graph.namespaces import SH
from healthgraph.graph.store import solutions, triples
from pyoxigraph import RdfFormat, Store
from pyshacl import validate

MAX_REPORTED = 20


@dataclass(frozen=True)
class Violation:
    focus_node: str
    path: str
    message: str
    severity: str


class ShapeViolationError(Exception):
    """The data does not conform to the shapes; carries the first violations."""

    def __init__(self, violations: list[Violation], total: int) -> None:
        self.violations = violations
        self.total = total
        lines = [f"{total} SHACL violation(s):"]
        lines += [f"- {v.focus_node} {v.path}: {v.message}" for v in violations]
        super().__init__("\n".join(lines))


_FOCUS_DATA = """
CONSTRUCT { ?s ?p ?o . ?o a ?type } WHERE {
  VALUES ?class { %s }
  ?s a ?class ; ?p ?o .
  OPTIONAL { ?o a ?type }
}
"""


def focus_graph(store: Store, target_classes: list[str]) -> rdflib.Graph:
    """What the shapes can see: every triple about an instance of a target class, and the
    types of the things those triples point to (for sh:class)."""
    graph = rdflib.Graph()
    if not target_classes:
        return graph
    query = _FOCUS_DATA % " ".join(f"<{iri}>" for iri in target_classes)
    data = triples(store.query(query, use_default_graph_as_union=True)).serialize(
        format=RdfFormat.N_TRIPLES
    )
    graph.parse(data=data, format="nt")
    return graph


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint (sh:sparql / sh:select) of a shape with target classes."""

    shape: str
    target_classes: tuple[str, ...]
    select: str
    prefixes: tuple[tuple[str, str], ...]
    message: str
    severity: str


def _sparql_constraints(shapes: rdflib.Graph) -> list[SparqlConstraint]:
    sh = rdflib.Namespace(SH)
    found = []
    for shape, constraint in shapes.subject_objects(sh.sparql):
        prefixes = tuple(
            (str(shapes.value(declaration, sh.prefix)), str(shapes.value(declaration, sh.namespace)))
            for source in shapes.objects(constraint, sh.prefixes)
            for declaration in shapes.objects(source, sh.declare)
        )
        found.append(
            SparqlConstraint(
                shape=str(shape),
                target_classes=tuple(sorted(str(c) for c in shapes.objects(shape, sh.targetClass))),
                select=str(shapes.value(constraint, sh.select)),
                prefixes=prefixes,
                message=str(shapes.value(constraint, sh.message) or "SPARQL constraint violated"),
                severity=str(shapes.value(constraint, sh.severity) or sh.Violation).rsplit("#", 1)[-1],
            )
        )
    return found


def _run_sparql_constraint(store: Store, constraint: SparqlConstraint) -> list[Violation]:
    """Evaluates the constraint for every focus node at once: `$this` is `?this` in SPARQL,
    so the SELECT runs as a subquery joined with the instances of the target classes."""
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in constraint.prefixes)
    classes = " ".join(f"<{c}>" for c in constraint.target_classes)
    query = (
        f"{prologue}SELECT DISTINCT ?this ?path ?value WHERE {{\n"
        f"  VALUES ?targetClass {{ {classes} }} ?this a ?targetClass .\n"
        f"  {{ {constraint.select} }}\n}}"
    )
    violations = []
    for row in solutions(store.query(query, use_default_graph_as_union=True)):
        value = row["value"]
        message = constraint.message.replace("{?value}", str(value.value) if value else "")
        violations.append(
            Violation(
                focus_node=row["this"].value,
                path=row["path"].value if row["path"] else "",
                message=message,
                severity=constraint.severity,
            )
        )
    return violations


def check_shapes(store: Store, shapes: Path) -> list[Violation]:
    """All violations of `shapes` by the store's data (empty when it conforms).

    Core constraints are checked by pyshacl on the focus data; SHACL-SPARQL
    constraints run in the store's own engine, once per constraint for all nodes.
    """
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    sh = rdflib.Namespace(SH)
    violations = [
        violation
        for constraint in _sparql_constraints(shapes_graph)
        for violation in _run_sparql_constraint(store, constraint)
    ]
    shapes_graph.remove((None, sh.sparql, None))
    targets = sorted({str(o) for o in shapes_graph.objects(None, sh.targetClass)})
    conforms, report, _ = validate(
        focus_graph(store, targets), shacl_graph=shapes_graph, inference="none", advanced=True
    )
    if conforms:
        return sorted(violations, key=lambda v: (v.focus_node, v.path, v.message))
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        violations.append(
            Violation(
                focus_node=str(report.value(result, sh.focusNode)),
                path=str(report.value(result, sh.resultPath) or ""),
                message=str(report.value(result, sh.resultMessage) or ""),
                severity=str(report.value(result, sh.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    return sorted(violations, key=lambda v: (v.focus_node, v.path, v.message))


def require_conformance(store: Store, shapes: Path) -> None:
    violations = [v for v in check_shapes(store, shapes) if v.severity == "Violation"]
    if violations:
        raise ShapeViolationError(violations[:MAX_REPORTED], len(violations))
