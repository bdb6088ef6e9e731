"""Compile a GraphQL selection over one root field into ONE SPARQL SELECT, and read its rows back.

The root entities are found and paged in a subquery (ordered by a sort key with the IRI as
tie-break, LIMIT inside the subquery). Every selected entity of the nested selection becomes a
UNION branch joined to that page: the path of links from the root to it, plus its single-valued
fields as OPTIONALs; a multi-valued field gets a branch of its own, so rows never multiply
across siblings. A `?b` number on each row says which branch it came from.

User values reach the query only as RDF terms in a VALUES block (`Terms`), written with the
terms' own N-Triples serialisation; everything else in the query text is our own constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from healthgraph.graph.namespaces import RDF, sparql_prefixes
from healthgraph.graph.store import Term
from healthgraph.server.graphql.mapping import (
    BOARD_TYPES,
    ENTITIES,
    ORGANISATION_KINDS,
    EntityMap,
    Link,
    Scalar,
)
from pyoxigraph import Literal, NamedNode, Triple
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_snake_case

Record = dict[str, Any]
"""One entity as the GraphQL types read it: python field name -> value (see `schema.py`)."""

_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class Terms:
    """The user values of one query, as one VALUES row of validated RDF terms."""

    def __init__(self) -> None:
        self._terms: list[Term] = []

    def bind(self, term: NamedNode | Literal) -> str:
        if not isinstance(term, NamedNode | Literal):  # defence in depth: terms only, never text
            raise TypeError("only pyoxigraph terms can be bound")
        self._terms.append(term)
        return f"?p{len(self._terms) - 1}"

    def values(self) -> str:
        if not self._terms:
            return ""
        names = " ".join(f"?p{i}" for i in range(len(self._terms)))
        row = " ".join(str(term) for term in self._terms)
        return f"VALUES ({names}) {{ ({row}) }}\n"


@dataclass
class Plan:
    """What to fetch for one selected entity: its fields and, recursively, its links."""

    entity: EntityMap
    var: int
    scalars: dict[str, Scalar] = field(default_factory=dict)
    links: dict[str, tuple[Link, Plan]] = field(default_factory=dict)

    def nodes(self) -> Iterable[tuple[Plan, tuple[tuple[str, Link, Plan], ...]]]:
        """Every plan in the tree with the path of (field, link, plan) from the root to it."""
        stack: list[tuple[Plan, tuple[tuple[str, Link, Plan], ...]]] = [(self, ())]
        while stack:
            plan, path = stack.pop(0)
            yield plan, path
            for name, (link, child) in plan.links.items():
                stack.append((child, (*path, (name, link, child))))


class _Counter:
    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _flatten(selections: Sequence[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _flatten(selection.selections)


def build_plan(entity_name: str, selections: Sequence[Selection], counter: _Counter | None = None,
               plan: Plan | None = None) -> Plan:
    """The fetch plan of an entity from the GraphQL selection on it (fragments flattened)."""
    counter = counter or _Counter()
    entity = ENTITIES[entity_name]
    plan = plan or Plan(entity, counter.take())
    for selected in _flatten(selections):
        name = to_snake_case(selected.name)
        if name in entity.scalars:
            plan.scalars[name] = entity.scalars[name]
        elif name in entity.links:
            link = entity.links[name]
            if name in plan.links:
                build_plan(link.target, selected.selections, counter, plan.links[name][1])
            else:
                plan.links[name] = (link, build_plan(link.target, selected.selections, counter))
    return plan


def connection_nodes(selections: Sequence[Selection]) -> list[Selection]:
    """The selection on the entities of a Relay connection: `nodes { }` and `edges { node { } }`."""
    found: list[Selection] = []
    for selected in _flatten(selections):
        if selected.name == "nodes":
            found.extend(selected.selections)
        elif selected.name == "edges":
            for inner in _flatten(selected.selections):
                if inner.name == "node":
                    found.extend(inner.selections)
    return found


def selects(selections: Sequence[Selection], name: str) -> bool:
    return any(selected.name == name for selected in _flatten(selections))


@dataclass(frozen=True)
class RootPattern:
    """How the root entities are found: a group pattern over `?e0` and the parameters in `terms`."""

    patterns: tuple[str, ...]
    terms: Terms
    sort: str | None = None
    """A pattern binding `?s0`, the sort key (None: order by IRI only)."""
    descending: bool = False
    limit: int | None = None
    offset: int = 0
    total: bool = False


def _var_renamer(suffix: str, subject: str, value: str) -> Any:
    def rename(match: re.Match[str]) -> str:
        name = match[1]
        if name == "s":
            return subject
        if name == "value":
            return value
        return f"?{name}_{suffix}"

    return rename


def _scalar_pattern(scalar: Scalar, subject: str, value: str, suffix: str) -> str:
    if scalar.pattern is not None:
        return re.sub(r"\?([A-Za-z_]\w*)", _var_renamer(suffix, subject, value), scalar.pattern)
    return f"{subject} <{scalar.predicate}> {value} ."


def _link_pattern(link: Link, parent: str, child: str, target: EntityMap) -> str:
    if link.predicate == f"{RDF}type":  # a different view of the same resource
        return f"BIND({parent} AS {child}) {child} a <{target.rdf_class}> ."
    triple = (f"{child} <{link.predicate}> {parent} ." if link.inverse
              else f"{parent} <{link.predicate}> {child} .")
    if link.check_class:
        triple += f" {child} a <{target.rdf_class}> ."
    return triple


@dataclass(frozen=True)
class Branch:
    number: int
    plan: Plan
    path_vars: tuple[str, ...]
    link_name: str | None
    """The field of the parent entity that leads here (None for the root)."""
    parent_var: int | None
    scalars: tuple[tuple[str, Scalar, str], ...]
    """(field, scalar, value variable) read from this branch's rows."""


@dataclass(frozen=True)
class Compiled:
    text: str
    root: Plan
    branches: tuple[Branch, ...]


def compile_query(plan: Plan, root: RootPattern) -> Compiled:
    """The one SPARQL query fetching `plan` for every root entity `root` finds."""
    values = root.terms.values()
    where = "\n".join(root.patterns)
    sort = root.sort or ""
    order = ("DESC(?s0) ?e0" if root.descending else "?s0 ?e0") if root.sort else "?e0"
    projected = "?e0 ?s0" if root.sort else "?e0"
    limit = f" LIMIT {int(root.limit)}" if root.limit is not None else ""
    offset = f" OFFSET {int(root.offset)}" if root.offset else ""
    page = (f"{{ SELECT DISTINCT {projected} WHERE {{\n{values}{where}\n{sort}\n}} "
            f"ORDER BY {order}{limit}{offset} }}")

    branches: list[Branch] = []
    texts: list[str] = []
    value_count = 0
    root_optionals = ""
    for node, path in plan.nodes():
        path_vars = ["?e0"]
        steps: list[str] = []
        parent = plan
        for _name, link, child in path:
            steps.append(_link_pattern(link, f"?e{parent.var}", f"?e{child.var}", child.entity))
            path_vars.append(f"?e{child.var}")
            parent = child
        subject = f"?e{node.var}"
        link_name = path[-1][0] if path else None
        parent_var = path[-2][2].var if len(path) > 1 else (plan.var if path else None)
        single: list[tuple[str, Scalar, str]] = []
        for name, scalar in node.scalars.items():
            value = f"?v{value_count}"
            value_count += 1
            pattern = _scalar_pattern(scalar, subject, value, str(value_count))
            if scalar.many:
                number = len(branches)
                branches.append(Branch(number, node, tuple(path_vars), link_name, parent_var,
                                       ((name, scalar, value),)))
                texts.append(" ".join(steps) + f" {pattern} BIND({number} AS ?b)")
            else:
                single.append((name, scalar, value))
        number = len(branches)
        branches.append(Branch(number, node, tuple(path_vars), link_name, parent_var, tuple(single)))
        optionals = " ".join(
            f"OPTIONAL {{ {_scalar_pattern(s, subject, v, v[2:])} }}" for _n, s, v in single
        )
        if path:
            texts.append(" ".join(steps) + f" BIND({number} AS ?b) {optionals}")
        else:  # the root's own fields: left joins on the page, where ?e0 is already bound
            root_optionals = optionals
            texts.append(f"BIND({number} AS ?b)")
    union = "\nUNION\n".join(f"{{ {text} }}" for text in texts)
    body = f"{{ {page}\n{root_optionals}\n{{ {union} }} }}"
    if root.total:
        body += (f"\nUNION\n{{ SELECT (COUNT(DISTINCT ?e0) AS ?total) WHERE {{\n{values}{where}\n}} }}")
    text = sparql_prefixes() + f"SELECT * WHERE {{\n{body}\n}}\nORDER BY {order}"
    return Compiled(text, plan, tuple(branches))


def text(term: Term) -> str:
    """The lexical value of a result term (IRIs, literals and blank nodes; never a triple)."""
    if isinstance(term, Triple):
        raise TypeError("unexpected RDF-star triple in a result")
    return term.value


def _convert(term: Term, kind: str) -> Any:
    if kind == "int":
        try:
            return int(text(term))
        except ValueError:
            return None
    if kind == "float":
        return float(text(term))
    return text(term)


def _pick(values: list[str], table: dict[str, str]) -> str | None:
    for name, iri in table.items():
        if iri in values:
            return name
    return None


@dataclass
class Page:
    records: list[Record]
    total: int | None


def read_rows(compiled: Compiled, rows: Sequence[dict[str, Term]]) -> Page:
    """The nested records of the root entities, in page order."""
    branches = compiled.branches
    order: list[str] = []
    seen_roots: set[str] = set()
    records: dict[tuple[int, str], Record] = {}
    multi: dict[tuple[int, str], dict[str, list[Any]]] = {}
    edges: dict[tuple[int, str], dict[str, dict[str, None]]] = {}
    total: int | None = None

    def record(plan: Plan, iri: str) -> Record:
        key = (plan.var, iri)
        found = records.get(key)
        if found is None:
            found = records[key] = {"iri": iri}
        return found

    for row in rows:
        if "total" in row:
            total = int(text(row["total"]))
            continue
        root = text(row["e0"])
        if root not in seen_roots:
            seen_roots.add(root)
            order.append(root)
        branch = branches[int(text(row["b"]))]
        iris = [text(row[var[1:]]) for var in branch.path_vars]
        target = record(branch.plan, iris[-1])
        if branch.link_name is not None and branch.parent_var is not None:
            edges.setdefault((branch.parent_var, iris[-2]), {}).setdefault(
                branch.link_name, {})[iris[-1]] = None
        for name, scalar, value in branch.scalars:
            term = row.get(value[1:])
            if term is None:
                continue
            converted = _convert(term, scalar.kind)
            if scalar.many:
                multi.setdefault((branch.plan.var, iris[-1]), {}).setdefault(name, []).append(converted)
            else:
                target[name] = converted

    def build(plan: Plan, iri: str) -> Record:
        built = dict(record(plan, iri))
        for name, scalar in plan.scalars.items():
            if scalar.many:
                values = sorted(set(multi.get((plan.var, iri), {}).get(name, [])))
                if scalar.kind == "kind":
                    built[name] = _pick(values, ORGANISATION_KINDS)
                elif scalar.kind == "board_type":
                    built[name] = _pick(values, BOARD_TYPES)
                else:
                    built[name] = values
            else:
                built.setdefault(name, None)
        links = edges.get((plan.var, iri), {})
        for name, (link, child) in plan.links.items():
            children = sorted(links.get(name, {}))
            if link.many:
                built[name] = [build(child, c) for c in children]
            else:
                built[name] = build(child, children[0]) if children else None
        return built

    return Page([build(compiled.root, iri) for iri in order], total)

