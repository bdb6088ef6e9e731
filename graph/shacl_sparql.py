"""SHACL core constraints compiled to SPARQL, so they run in the store's engine at any size.

A property shape with a plain predicate path and its own `sh:message`, reached through
`sh:property` from a node shape with `sh:targetClass`, is checked by one SPARQL query per
constraint over all instances of the target classes at once (a join, not a loop in Python).
Compiled: `sh:minCount`, `sh:maxCount`, `sh:datatype`, `sh:nodeKind`, `sh:pattern`
(+ `sh:flags`), `sh:class`, `sh:languageIn`, `sh:in`, `sh:hasValue`, `sh:minInclusive`,
`sh:lessThanOrEquals`, and `sh:or` lists made only of `sh:datatype` or only of `sh:class`
alternatives. The violation reported is the one pyshacl reports for the same data: focus node,
path and the shape's own message (value-level detail is not kept by either).

Everything else (sequence paths, qualified shapes, node-level `sh:or`, `sh:uniqueLang`, shapes
without a message) stays in the shapes graph that pyshacl runs; `residual_shapes` removes what
was compiled, and a node shape left with no constraints loses its target, so pyshacl never
visits its (possibly millions of) instances.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import rdflib
from healthgraph.graph.namespaces import SH
from rdflib.collection import Collection

_SH = rdflib.Namespace(SH)
CONSTRAINTS: Final = frozenset(
    _SH[name] for name in (
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
        "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
        "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
        "xone", "node", "property", "qualifiedValueShape", "closed", "hasValue", "in", "sparql",
    )
)
_SIMPLE: Final = frozenset(
    _SH[name] for name in (
        "minCount", "maxCount", "datatype", "nodeKind", "pattern", "class", "languageIn", "in",
        "hasValue", "minInclusive", "lessThanOrEquals", "or",
    )
)


@dataclass(frozen=True)
class CompiledCheck:
    """One SPARQL query whose `?this` rows are the focus nodes violating one constraint."""

    query: str
    path: str
    message: str
    severity: str
    removes: tuple[tuple[rdflib.term.Node, rdflib.term.Node], ...]
    """(shape, predicate) pairs this check replaces in the shapes graph."""
    by_path: tuple[tuple[str, str, str], ...] = ()
    """For a check over several paths at once, its rows also bind `?p`: (path, message,
    severity) of each, and the row's `?p` says which one was violated."""

    def report(self, path: str | None) -> tuple[str, str, str]:
        """(path, message, severity) of a row whose `?p` is `path` (None for one-path checks)."""
        if path is None or not self.by_path:
            return self.path, self.message, self.severity
        for candidate in self.by_path:
            if candidate[0] == path:
                return candidate
        raise KeyError(path)


def _term(node: rdflib.term.Node) -> str:
    return node.n3()


def _list(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(shapes, head))


def _value_filter(shapes: rdflib.Graph, ps: rdflib.term.Node, predicate: rdflib.term.Node,
                  value: rdflib.term.Node) -> str | None:
    """A FILTER that is true for a value node violating (predicate value), or None."""
    if predicate == _SH.datatype:
        return f"!isLiteral(?value) || datatype(?value) != {_term(value)}"
    if predicate == _SH.nodeKind:
        kinds = {_SH.IRI: "isIRI(?value)", _SH.Literal: "isLiteral(?value)",
                 _SH.BlankNode: "isBlank(?value)", _SH.BlankNodeOrIRI: "!isLiteral(?value)",
                 _SH.IRIOrLiteral: "!isBlank(?value)", _SH.BlankNodeOrLiteral: "!isIRI(?value)"}
        return f"!({kinds[value]})" if value in kinds else None  # type: ignore[index]
    if predicate == _SH.pattern:
        flags = shapes.value(ps, _SH.flags)
        extra = f", {rdflib.Literal(str(flags)).n3()}" if flags else ""
        return f"isBlank(?value) || !REGEX(STR(?value), {rdflib.Literal(str(value)).n3()}{extra})"
    if predicate == _SH["class"]:
        return f"NOT EXISTS {{ ?value a {_term(value)} }}"
    if predicate == _SH.languageIn:
        tags = " || ".join(f"langMatches(lang(?value), {rdflib.Literal(str(t)).n3()})"
                           for t in _list(shapes, value))
        return f"!isLiteral(?value) || !({tags or 'false'})"
    if predicate == _SH["in"]:
        options = " || ".join(f"sameTerm(?value, {_term(t)})" for t in _list(shapes, value))
        return f"!({options or 'false'})"
    if predicate == _SH.minInclusive:
        return f"!(?value >= {_term(value)})"
    if predicate == _SH["or"]:
        alternatives = [dict(shapes.predicate_objects(item)) for item in _list(shapes, value)]
        if alternatives and all(set(a) == {_SH.datatype} for a in alternatives):
            return "!isLiteral(?value) || datatype(?value) NOT IN (" + ", ".join(
                _term(a[_SH.datatype]) for a in alternatives) + ")"
        if alternatives and all(set(a) == {_SH["class"]} for a in alternatives):
            classes = " ".join(_term(a[_SH["class"]]) for a in alternatives)
            return f"NOT EXISTS {{ VALUES ?allowed {{ {classes} }} ?value a ?allowed }}"
    return None


def _class_pattern(shapes: rdflib.Graph, predicate: rdflib.term.Node,
                   value: rdflib.term.Node) -> str | None:
    """For `sh:class` (or an `sh:or` of `sh:class` alternatives): the pattern a conforming
    ?value matches, checked with MINUS (a hash of the class's instances, built once) rather
    than a NOT EXISTS lookup per value; None for every other constraint."""
    if predicate == _SH["class"]:
        return f"?value a {_term(value)}"
    if predicate == _SH["or"]:
        alternatives = [dict(shapes.predicate_objects(item)) for item in _list(shapes, value)]
        if alternatives and all(set(a) == {_SH["class"]} for a in alternatives):
            classes = " ".join(_term(a[_SH["class"]]) for a in alternatives)
            return f"VALUES ?allowed {{ {classes} }} ?value a ?allowed"
    return None


def _compilable(shapes: rdflib.Graph, ps: rdflib.term.Node) -> bool:
    # only shapes used nowhere else than as a property of targeted node shapes: removing
    # their constraints must not change a nested check
    for user, link in shapes.subject_predicates(ps):
        if link != _SH.property or (user, _SH.targetClass, None) not in shapes:
            return False
    path = shapes.value(ps, _SH.path)
    if not isinstance(path, rdflib.URIRef) or shapes.value(ps, _SH.message) is None:
        return False
    constraints = {p for p, _ in shapes.predicate_objects(ps) if p in CONSTRAINTS}
    return bool(constraints) and constraints <= _SIMPLE


def compile_shapes(
    shapes: rdflib.Graph, superclasses: Mapping[str, set[str]] | None = None
) -> list[CompiledCheck]:
    """The checks for every compilable (target classes, property shape) pair.

    `superclasses` (class -> its strict superclasses, from the store's ontology) lets a
    target class be dropped when a superclass is also a target: the build materialises
    `rdf:type` for superclasses, so its instances are already found once, not twice."""
    checks: list[CompiledCheck] = []
    above = superclasses or {}
    for node_shape in set(shapes.subjects(_SH.targetClass, None)):
        targets = {str(c) for c in shapes.objects(node_shape, _SH.targetClass)}
        needed = sorted(c for c in targets if not above.get(c, set()) & targets)
        classes = " ".join(f"<{c}>" for c in needed)
        base = f"VALUES ?class {{ {classes} }} ?this a ?class ."
        if shapes.value(node_shape, _SH.nodeKind) == _SH.IRI:
            message = str(shapes.value(node_shape, _SH.message) or "the focus node is not an IRI")
            checks.append(CompiledCheck(
                f"SELECT DISTINCT ?this WHERE {{ {base} FILTER(!isIRI(?this)) }}", "", message,
                "Violation", ((node_shape, _SH.nodeKind),)))
        parts = [part for ps in shapes.objects(node_shape, _SH.property) if _compilable(shapes, ps)
                 for part in _property_checks(shapes, ps, base)]
        checks.extend(_merged(parts, base))
    return checks


@dataclass(frozen=True)
class _Part:
    """One property shape's constraints of one kind, before they are merged per node shape:
    `kind` is "value" (a FILTER on ?value), "missing" (minCount 1), "repeated" (maxCount 1)
    or "alone" (its own query, in `check`)."""

    kind: str
    path: str
    message: str
    severity: str
    removes: tuple[tuple[rdflib.term.Node, rdflib.term.Node], ...]
    condition: str = ""
    check: CompiledCheck | None = None


_MERGED: Final = {
    # one pass over the instances' triples for every value constraint of the node shape
    "value": "SELECT DISTINCT ?this ?p WHERE {{ {base} ?this ?p ?value . FILTER({conditions}) }}",
    # one scan of the instances; for each, a lookup per required path
    "missing": "SELECT ?this ?p WHERE {{ {base} VALUES ?p {{ {paths} }} "
               "FILTER NOT EXISTS {{ ?this ?p ?v }} }}",
    # two different values on a path of at most one value: a join per instance, no GROUP BY
    # (which would hold every instance in memory)
    "repeated": "SELECT DISTINCT ?this ?p WHERE {{ {base} ?this ?p ?v . FILTER({paths_in}) "
                "?this ?p ?w . FILTER(!sameTerm(?v, ?w)) }}",
}


def _merged(parts: list[_Part], base: str) -> Iterator[CompiledCheck]:
    """The parts of one node shape as few queries: one per kind. A path checked by two
    property shapes of the same kind keeps separate queries, so each row names one shape."""
    for part in parts:
        if part.kind == "alone" and part.check is not None:
            yield part.check
    for kind, template in _MERGED.items():
        group = [part for part in parts if part.kind == kind]
        paths = [part.path for part in group]
        merged = [part for part in group if paths.count(part.path) == 1]
        for part in group:
            if paths.count(part.path) > 1:  # not merged: its own query, same template
                yield _merged_check(template, [part], base)
        if merged:
            yield _merged_check(template, merged, base)


def _merged_check(template: str, parts: list[_Part], base: str) -> CompiledCheck:
    iris = [f"<{part.path}>" for part in parts]
    query = template.format(
        base=base,
        # IF, not &&: the engine would evaluate every condition (NOT EXISTS, REGEX) on every
        # triple; IF evaluates only the branch of the row's own path
        conditions=" || ".join(f"IF(sameTerm(?p, <{part.path}>), ({part.condition}), false)"
                               for part in parts),
        paths=" ".join(iris),
        paths_in="?p IN (" + ", ".join(iris) + ")",
    )
    first = parts[0]
    return CompiledCheck(
        query, first.path, first.message, first.severity,
        tuple(pair for part in parts for pair in part.removes),
        by_path=tuple((part.path, part.message, part.severity) for part in parts),
    )


def _property_checks(shapes: rdflib.Graph, ps: rdflib.term.Node, base: str) -> Iterator[_Part]:
    path = shapes.value(ps, _SH.path)
    assert isinstance(path, rdflib.URIRef)
    p = _term(path)
    message = str(shapes.value(ps, _SH.message))
    severity = str(shapes.value(ps, _SH.severity) or _SH.Violation).rsplit("#", 1)[-1]
    value_checks: list[tuple[rdflib.term.Node, str]] = []
    for predicate, value in shapes.predicate_objects(ps):
        if predicate not in _SIMPLE:
            continue
        removes = ((ps, predicate),)
        if predicate == _SH.minCount:
            n = int(value)  # type: ignore[call-overload]
            if n == 1:
                yield _Part("missing", str(path), message, severity, removes)
                continue
            query = (f"SELECT ?this WHERE {{ {base} OPTIONAL {{ ?this {p} ?v }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")
        elif predicate == _SH.maxCount:
            n = int(value)  # type: ignore[call-overload]
            if n == 1:
                yield _Part("repeated", str(path), message, severity, removes)
                continue
            query = (f"SELECT ?this WHERE {{ {base} ?this {p} ?v }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})")
        elif predicate == _SH.hasValue:
            query = (f"SELECT DISTINCT ?this WHERE {{ {base} "
                     f"FILTER NOT EXISTS {{ ?this {p} {_term(value)} }} }}")
        elif predicate == _SH.lessThanOrEquals:
            query = (f"SELECT DISTINCT ?this WHERE {{ {base} ?this {p} ?value ; {_term(value)} ?other . "
                     f"FILTER(!(?value <= ?other)) }}")
        elif (pattern := _class_pattern(shapes, predicate, value)) is not None:
            # the same path, message and severity as the shape's other value constraints,
            # so reporting its violations separately reports the same (focus, path, message)
            query = f"SELECT DISTINCT ?this WHERE {{ {base} ?this {p} ?value . MINUS {{ {pattern} }} }}"
        else:
            condition = _value_filter(shapes, ps, predicate, value)
            if condition is not None:
                value_checks.append((predicate, condition))
            continue
        yield _Part("alone", str(path), message, severity, removes,
                    check=CompiledCheck(query, str(path), message, severity, removes))
    if value_checks:
        # all value-level constraints of the shape in one condition: they share its path,
        # message and severity, so the violations reported are the same
        conditions = " || ".join(f"({condition})" for _, condition in value_checks)
        yield _Part("value", str(path), message, severity,
                    tuple((ps, predicate) for predicate, _ in value_checks), condition=conditions)


def residual_shapes(shapes: rdflib.Graph, checks: list[CompiledCheck]) -> rdflib.Graph:
    """A copy of `shapes` without what `checks` cover; untargets node shapes left empty."""
    residual = rdflib.Graph()
    for triple in shapes:
        residual.add(triple)
    covered = {pair for check in checks for pair in check.removes}
    for shape, predicate in covered:
        if predicate in (_SH.datatype, _SH.minCount, _SH.maxCount, _SH.nodeKind, _SH.pattern,
                         _SH["class"], _SH.languageIn, _SH["in"], _SH.hasValue, _SH.minInclusive,
                         _SH.lessThanOrEquals, _SH["or"]):
            residual.remove((shape, predicate, None))
    for node_shape in set(residual.subjects(_SH.targetClass, None)):
        for ps in list(residual.objects(node_shape, _SH.property)):
            if not any(p in CONSTRAINTS for p, _ in residual.predicate_objects(ps)):
                residual.remove((node_shape, _SH.property, ps))
        own = {p for p, _ in residual.predicate_objects(node_shape) if p in CONSTRAINTS}
        if own <= {_SH.nodeKind} and not list(residual.objects(node_shape, _SH.property)):
            residual.remove((node_shape, _SH.targetClass, None))
    return residual
