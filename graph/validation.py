"""SHACL validation of a built store against `ontology/shapes.ttl` (pyshacl)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from healthgraph.graph.namespaces import SH
from healthgraph.graph.shacl_sparql import CompiledCheck, compile_shapes, residual_shapes
from healthgraph.graph.store import solutions, triples
from pyoxigraph import BlankNode, RdfFormat, Store
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph

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


FOCUS_BATCH = 50_000
"""Focus nodes checked per pyshacl run: bounds memory at any size."""

_CLASS_SIZES = """
SELECT ?class (COUNT(?s) AS ?n) WHERE { VALUES ?class { %s } ?s a ?class } GROUP BY ?class
"""

_FOCUS_NODES = """
SELECT ?s WHERE { VALUES ?class { %s } ?s a ?class . FILTER(isIRI(?s)) }
"""

_FOCUS_DATA = """
CONSTRUCT { ?s ?p ?o . ?o a ?type } WHERE {
  VALUES ?s { %s }
  ?s ?p ?o .
  OPTIONAL { ?o a ?type }
}
"""

_CLASS_DATA = """
CONSTRUCT { ?s ?p ?o . ?o a ?type } WHERE {
  VALUES ?class { %s }
  ?s a ?class ; ?p ?o .
  OPTIONAL { ?o a ?type }
}
"""


@dataclass(frozen=True)
class FocusPlan:
    """How the target nodes are checked: the instances of small classes together, with all
    their triples (so nested shapes that follow paths through them, like a board's
    `hg:country/hg:isoCode`, see everything, as a single focus graph would); the instances of
    big classes (partnerships, memberships at scale) in batches of `FOCUS_BATCH`, each with
    the small classes' triples as context and the types of every node they point to."""

    small: tuple[str, ...]
    big: tuple[str, ...]


def plan_focus(store: Store, target_classes: list[str], size: int = FOCUS_BATCH) -> FocusPlan:
    if not target_classes:
        return FocusPlan((), ())
    query = _CLASS_SIZES % " ".join(f"<{iri}>" for iri in target_classes)
    sizes = {
        row["class"].value: int(row["n"].value)
        for row in solutions(store.query(query, use_default_graph_as_union=True))
    }
    small = tuple(c for c in target_classes if sizes.get(c, 0) <= size)
    big = tuple(c for c in target_classes if sizes.get(c, 0) > size)
    return FocusPlan(small, big)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def focus_batches(store: Store, classes: Sequence[str], size: int = FOCUS_BATCH) -> Iterator[list[str]]:
    """The instances of `classes`, streamed from the engine in batches of `size`."""
    if not classes:
        return
    batch: list[str] = []
    for row in solutions(store.query(_FOCUS_NODES % _values(classes), use_default_graph_as_union=True)):
        batch.append(row["s"].value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _graph(store: Store, query: str) -> bytes:
    result = triples(store.query(query, use_default_graph_as_union=True))
    return result.serialize(format=RdfFormat.N_TRIPLES) or b""


def class_data(store: Store, classes: Sequence[str]) -> bytes:
    """Every triple about an instance of `classes`, and the types of what they point to."""
    return _graph(store, _CLASS_DATA % _values(classes)) if classes else b""


def focus_data(store: Store, nodes: Sequence[str]) -> bytes:
    """Every triple about `nodes`, and the types of what they point to (for sh:class)."""
    return _graph(store, _FOCUS_DATA % _values(nodes)) if nodes else b""


def _rdflib_graph(*parts: bytes) -> rdflib.Graph:
    graph = rdflib.Graph()
    for part in parts:
        if part:
            graph.parse(data=part, format="nt")
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


def _superclasses(store: Store) -> dict[str, set[str]]:
    above: dict[str, set[str]] = {}
    query = ("SELECT DISTINCT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ "
             "?super . FILTER(isIRI(?sub) && isIRI(?super) && ?sub != ?super) }")
    for row in solutions(store.query(query, use_default_graph_as_union=True)):
        above.setdefault(row["sub"].value, set()).add(row["super"].value)
    return above


def _run_compiled(store: Store, check: CompiledCheck) -> Iterator[Violation]:
    for row in solutions(store.query(check.query, use_default_graph_as_union=True)):
        focus = row["this"]
        path, message, severity = check.report(row["p"].value if check.by_path else None)
        yield Violation(focus_node=str(focus.value) if not isinstance(focus, BlankNode) else str(focus),
                        path=path, message=message, severity=severity)


def check_shapes(store: Store, shapes: Path) -> list[Violation]:
    """All violations of `shapes` by the store's data (empty when it conforms).

    SHACL-SPARQL constraints and the core constraints `shacl_sparql` compiles run in the
    store's own engine, once per constraint for all nodes; pyshacl checks what is left, on
    bounded batches of focus nodes.
    """
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    sh = rdflib.Namespace(SH)
    constraints = _sparql_constraints(shapes_graph)
    shapes_graph.remove((None, sh.sparql, None))
    compiled = compile_shapes(shapes_graph, _superclasses(store))
    jobs: list[Callable[[], list[Violation]]] = [
        functools.partial(_run_sparql_constraint, store, constraint) for constraint in constraints
    ]
    jobs += [functools.partial(lambda check: list(_run_compiled(store, check)), check)
             for check in compiled]
    found: set[Violation] = set()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the engine releases the GIL
        for result in pool.map(lambda job: job(), jobs):
            found.update(result)
    shapes_graph = residual_shapes(shapes_graph, compiled)
    targets = sorted({str(o) for o in shapes_graph.objects(None, sh.targetClass)})
    plan = plan_focus(store, targets)
    context = class_data(store, plan.small)
    small_nodes = [node for batch in focus_batches(store, plan.small, 1 << 62) for node in batch]
    if small_nodes:
        found.update(_core_violations(_rdflib_graph(context), shapes_graph, small_nodes))
    for batch in focus_batches(store, plan.big):
        data = _rdflib_graph(context, focus_data(store, batch))
        found.update(_core_violations(data, shapes_graph, batch))
    return sorted(found, key=lambda v: (v.focus_node, v.path, v.message))


class _BatchValidator(Validator):
    """pyshacl's validator with the focus nodes held as a set: it tests every target node for
    membership in them, which is quadratic with the list it keeps by default."""

    def make_executor(self) -> Any:
        executor = super().make_executor()
        if executor.focus_nodes:
            executor.focus_nodes = frozenset(executor.focus_nodes)  # type: ignore[assignment]
        return executor


def _core_violations(data: rdflib.Graph, shapes: rdflib.Graph, nodes: list[str]) -> list[Violation]:
    """pyshacl on one batch: only `nodes` are focus nodes (their neighbours are context)."""
    sh = rdflib.Namespace(SH)
    validator = _BatchValidator(
        DataGraph.from_rdflib(data), shacl_graph=shapes,
        options={"inference": "none", "advanced": True, "inplace": True,
                 "focus_nodes": [rdflib.URIRef(node) for node in nodes]},
    )
    conforms, report, _ = validator.run()  # type: ignore[no-untyped-call]
    if conforms:
        return []
    return [
        Violation(
            focus_node=str(report.value(result, sh.focusNode)),
            path=str(report.value(result, sh.resultPath) or ""),
            message=str(report.value(result, sh.resultMessage) or ""),
            severity=str(report.value(result, sh.resultSeverity) or "").rsplit("#", 1)[-1],
        )
        for result in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    ]


def require_conformance(store: Store, shapes: Path) -> None:
    violations = [v for v in check_shapes(store, shapes) if v.severity == "Violation"]
    if violations:
        raise ShapeViolationError(violations[:MAX_REPORTED], len(violations))
