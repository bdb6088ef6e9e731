"""Compile a GraphQL selection over one root field into ONE SPARQL SELECT, and read its rows back.

The root entities are found and paged in a subquery (ordered by a sort key with the IRI as
tie-break, LIMIT inside the subquery). Single-valued fields and to-one links hang off their
entity as OPTIONALs; every multi-valued field or list of entities is a UNION branch of its own
(the required path from the root to it, then its own OPTIONALs), so rows never multiply across
siblings. A `?b` number on each row says which branch it came from; `read_rows` turns the rows
into nested records, ordering the roots by sort key then IRI as the subquery did.

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
    graphql_name,
)
from pyoxigraph import Literal, NamedNode, Triple
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

Record = dict[str, Any]
"""One entity as graphql-core reads it: GraphQL field name -> value."""

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
        name = entity.field_for(selected.name)
        if name is None:
            continue
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
        return f"{parent} a <{target.rdf_class}> . BIND({parent} AS {child})"
    triple = (f"{child} <{link.predicate}> {parent} ." if link.inverse
              else f"{parent} <{link.predicate}> {child} .")
    if link.check_class:
        triple += f" {child} a <{target.rdf_class}> ."
    if link.condition:
        triple += f" {child} {link.condition} ."
    return triple


@dataclass(frozen=True)
class Entry:
    """One entity a row of a branch may carry, and how it hangs off its parent."""

    plan: Plan
    parent_var: int | None
    link_name: str | None
    singles: tuple[tuple[str, Scalar, str], ...] = ()
    """(field, scalar, value variable) of the entity's single-valued fields."""
    many: tuple[str, Scalar, str] | None = None
    """A multi-valued field this branch is for."""


@dataclass(frozen=True)
class Branch:
    number: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Compiled:
    text: str
    root: Plan
    branches: tuple[Branch, ...]
    global_entries: tuple[Entry, ...]
    """Entries every row carries: the root's own fields and its single-valued links."""
    sort_kind: str | None
    descending: bool


class _Builder:
    """Lays a plan out as branches: a to-one link is an OPTIONAL inside its parent's group; a
    multi-valued field or link starts a branch of its own, reached by the required path."""

    def __init__(self) -> None:
        self.branches: list[tuple[str, tuple[Entry, ...]]] = []
        self.values = 0

    def value(self) -> str:
        self.values += 1
        return f"?v{self.values - 1}"

    def group(self, plan: Plan, steps: str, entries: list[Entry], parent_var: int | None,
              link_name: str | None) -> str:
        """OPTIONALs for the plan's single fields and to-one links; branches for the rest."""
        subject = f"?e{plan.var}"
        singles = []
        parts = []
        for name, scalar in plan.scalars.items():
            value = self.value()
            pattern = _scalar_pattern(scalar, subject, value, value[2:])
            if scalar.many:
                entry = Entry(plan, None, None, many=(name, scalar, value))
                self.branches.append((f"{steps} {pattern}", (entry,)))
            else:
                singles.append((name, scalar, value))
                parts.append(f"OPTIONAL {{ {pattern} }}")
        entries.append(Entry(plan, parent_var, link_name, tuple(singles)))
        for name, (link, child) in plan.links.items():
            step = _link_pattern(link, subject, f"?e{child.var}", child.entity)
            if link.many:
                child_entries: list[Entry] = []
                inner = self.group(child, f"{steps} {step}", child_entries, plan.var, name)
                self.branches.append((f"{steps} {step} {inner}", tuple(child_entries)))
            else:
                inner = self.group(child, f"{steps} {step}", entries, plan.var, name)
                parts.append(f"OPTIONAL {{ {step} {inner} }}")
        return " ".join(parts)


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
    builder = _Builder()
    global_entries: list[Entry] = []
    root_group = builder.group(plan, "", global_entries, None, None)
    texts = ["BIND(0 AS ?b)"] + [
        f"{text} BIND({number + 1} AS ?b)" for number, (text, _e) in enumerate(builder.branches)
    ]
    branches = [Branch(0, ())] + [
        Branch(number + 1, entries) for number, (_t, entries) in enumerate(builder.branches)
    ]
    if len(texts) == 2:  # one multi-valued branch: a left join, as one would write it by hand
        body = f"{{ {page}\n{root_group}\nOPTIONAL {{ {texts[1]} }} }}"
    else:
        # Each root row is repeated once per branch number ?b, and branch k is a left join
        # that only matches where ?b = k: the branches are evaluated for the page's roots
        # only (a UNION joined to the page was evaluated over every entity: 4.4 s against
        # 0.12 s at 50,000 partnerships), and rows still never multiply across branches.
        numbers = " ".join(str(n) for n in range(len(texts)))
        optionals = "\n".join(
            f"OPTIONAL {{ FILTER(?b = {n}) {text} }}"
            for n, (text, _e) in enumerate(builder.branches, start=1)
        )
        body = f"{{ {page}\n{root_group}\nVALUES ?b {{ {numbers} }}\n{optionals} }}"
    if root.total:
        body += (f"\nUNION\n{{ SELECT (COUNT(DISTINCT ?e0) AS ?total) WHERE {{\n{values}{where}\n}} }}")
    projection = ["?b", "?e0", *(f"?e{p.var}" for p, _path in plan.nodes() if p.var),
                  *(f"?v{i}" for i in range(builder.values))]
    if root.sort:
        projection.append("?s0")
    if root.total:
        projection.append("?total")
    text = sparql_prefixes() + f"SELECT {' '.join(projection)} WHERE {{\n{body}\n}}"
    return Compiled(text, plan, tuple(branches), tuple(global_entries),
                    "sort" if root.sort else None, root.descending)


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
    """The nested records of the root entities, in page order (sort key, then IRI)."""
    sort_keys: dict[str, Any] = {}
    records: dict[tuple[int, str], Record] = {}
    multi: dict[tuple[int, str], dict[str, list[Any]]] = {}
    edges: dict[tuple[int, str], dict[str, dict[str, None]]] = {}
    total: int | None = None

    def prepared(entry: Entry) -> tuple[Any, ...]:
        """The entry with its row keys worked out once, not per row."""
        singles = tuple((graphql_name(n), s.kind, v[1:]) for n, s, v in entry.singles)
        many = (entry.many[0], entry.many[1].kind, entry.many[2][1:]) if entry.many else None
        link = entry.link_name if entry.parent_var is not None else None
        return (f"e{entry.plan.var}", entry.plan.var, f"e{entry.parent_var}", entry.parent_var,
                link, singles, many)

    def take(entry: tuple[Any, ...], row: dict[str, Term]) -> None:
        node_key, var, parent_key, parent_var, link_name, singles, many = entry
        bound = row.get(node_key)
        if bound is None:
            return
        iri = text(bound)
        key = (var, iri)
        record = records.get(key)
        if record is None:
            record = records[key] = {"iri": iri}
        if link_name is not None:
            parent = row.get(parent_key)
            if parent is not None:
                edges.setdefault((parent_var, text(parent)), {}).setdefault(link_name, {})[iri] = None
        for name, kind, value_key in singles:
            term = row.get(value_key)
            if term is not None:
                record[name] = _convert(term, kind)
        if many is not None:
            name, kind, value_key = many
            term = row.get(value_key)
            if term is not None:
                multi.setdefault(key, {}).setdefault(name, []).append(_convert(term, kind))

    global_entries = [prepared(entry) for entry in compiled.global_entries]
    branches = [[prepared(entry) for entry in branch.entries] for branch in compiled.branches]
    for row in rows:
        if "total" in row:
            total = int(text(row["total"]))
            continue
        root = text(row["e0"])
        if root not in sort_keys:
            sort_term = row.get("s0")
            sort_keys[root] = None if sort_term is None else _convert(
                sort_term, "int" if isinstance(sort_term, Literal)
                and sort_term.datatype.value == _INTEGER else "string")
            for prepared_entry in global_entries:
                take(prepared_entry, row)
        number = row.get("b")  # unbound: a root without rows of the one left-joined branch
        for prepared_entry in branches[0 if number is None else int(text(number))]:
            take(prepared_entry, row)

    def build(plan: Plan, iri: str) -> Record:
        built = dict(records.get((plan.var, iri), {"iri": iri}))
        for name, scalar in plan.scalars.items():
            key = graphql_name(name)
            if scalar.many:
                values = sorted(set(multi.get((plan.var, iri), {}).get(name, [])))
                if scalar.kind == "kind":
                    built[key] = _pick(values, ORGANISATION_KINDS)
                elif scalar.kind == "board_type":
                    built[key] = _pick(values, BOARD_TYPES)
                else:
                    built[key] = values
            else:
                built.setdefault(key, None)
        links = edges.get((plan.var, iri), {})
        for name, (link, child) in plan.links.items():
            children = sorted(links.get(name, {}))
            if link.many:
                built[graphql_name(name)] = [build(child, c) for c in children]
            else:
                built[graphql_name(name)] = build(child, children[0]) if children else None
        return built

    order = sorted(sort_keys)  # IRI tie-break first, then a stable sort on the key
    if compiled.sort_kind is not None:
        present = [iri for iri in order if sort_keys[iri] is not None]
        missing = [iri for iri in order if sort_keys[iri] is None]
        present.sort(key=lambda iri: sort_keys[iri], reverse=compiled.descending)
        # SPARQL orders an unbound key first ascending, last descending
        order = present + missing if compiled.descending else missing + present
    return Page([build(compiled.root, iri) for iri in order], total)
