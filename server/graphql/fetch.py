"""Root fields: find entities (by key, or a filtered, ordered page), compile, run, read back."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from healthgraph.graph.iris import GSS_PATTERN, ISO_3166_PATTERN, SLUG_PATTERN, IriMinter
from healthgraph.graph.namespaces import HG, ORG
from healthgraph.graph.store import Store
from healthgraph.server.graphql import store_access
from healthgraph.server.graphql.compiler import (
    Page,
    Record,
    RootPattern,
    Terms,
    build_plan,
    compile_query,
    connection_nodes,
    read_rows,
    selects,
)
from healthgraph.server.graphql.errors import GraphQLUserError
from healthgraph.server.graphql.mapping import ENTITIES, ORGANISATION_KINDS
from pyoxigraph import Literal, NamedNode
from strawberry.types.nodes import Selection

_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_CURSOR_PREFIX = "offset:"


@dataclass
class Filters:
    """A `where` input turned into patterns over `?e0`, its values bound as terms."""

    terms: Terms = field(default_factory=Terms)
    patterns: list[str] = field(default_factory=list)

    def country(self, code: str | None, predicate: str = f"{HG}country") -> None:
        if code is None:
            return
        value = code.strip().upper()
        if not ISO_3166_PATTERN.match(value):
            raise GraphQLUserError(f"country: {code!r} is not an ISO 3166 code (e.g. MW, GB-SCT)")
        self.patterns.append(f"?e0 <{predicate}>/hg:isoCode {self.terms.bind(Literal(value))} .")

    def key_link(self, name: str, key: str | None, predicate: str, minter_iri: str | None) -> None:
        if key is None:
            return
        if not SLUG_PATTERN.match(key):
            raise GraphQLUserError(f"{name}: {key!r} is not a key (lower-case letters, digits, hyphens)")
        if minter_iri is not None:
            self.patterns.append(f"?e0 <{predicate}> {self.terms.bind(NamedNode(minter_iri))} .")
        else:
            self.patterns.append(f"?e0 <{predicate}>/hg:key {self.terms.bind(Literal(key))} .")

    def board(self, key: str | None) -> None:
        if key is None:
            return
        if not (GSS_PATTERN.match(key) or SLUG_PATTERN.match(key)):
            raise GraphQLUserError(f"board: {key!r} is not a GSS code (S08000024) or a board key")
        value = self.terms.bind(Literal(key))
        self.patterns.append(
            f"?e0 <{ORG}hasMember> ?board . ?board a hg:HealthBoard ; hg:gssCode|hg:key {value} ."
        )

    def year_range(self, start: int | None, end: int | None) -> None:
        if start is None and end is None:
            return
        self.patterns.append("?e0 hg:startYear ?startYear .")
        if start is not None:
            self.patterns.append(f"FILTER(?startYear >= {self.terms.bind(_integer(start))})")
        if end is not None:
            self.patterns.append(f"FILTER(?startYear <= {self.terms.bind(_integer(end))})")

    def kind(self, iri: str | None) -> None:
        if iri is not None:
            self.patterns.append(f"?e0 a {self.terms.bind(NamedNode(iri))} .")

    def literal(self, predicate: str, value: str | None) -> None:
        if value is not None:
            self.patterns.append(f"?e0 <{predicate}> {self.terms.bind(Literal(value))} .")

    def name_contains(self, label_predicate: str, text: str | None) -> None:
        if text is None:
            return
        if not text.strip():
            raise GraphQLUserError("nameContains: give at least one non-space character")
        value = self.terms.bind(Literal(text.strip()))
        self.patterns.append(
            f"?e0 <{label_predicate}> ?nameLabel . "
            f"FILTER(CONTAINS(LCASE(STR(?nameLabel)), LCASE({value})))"
        )


def _integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=_INTEGER)


def organisation_kind_iri(kind_name: str | None) -> str | None:
    return None if kind_name is None else ORGANISATION_KINDS[kind_name]


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset after `cursor` (0 without one)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLUserError(f"after: {cursor!r} is not a cursor from this API") from None
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX):].isdigit():
        raise GraphQLUserError(f"after: {cursor!r} is not a cursor from this API")
    return int(text[len(_CURSOR_PREFIX):]) + 1


SORTS: dict[str, str | None] = {
    "IRI": None,
    "LABEL": "OPTIONAL { ?e0 <{label}> ?sortLabel } BIND(STR(?sortLabel) AS ?s0)",
    "START_YEAR": "OPTIONAL { ?e0 hg:startYear ?s0 }",
}


async def fetch_page(
    store: Store,
    entity_name: str,
    selections: Sequence[Selection],
    filters: Filters,
    *,
    first: int,
    after: str | None,
    max_page_size: int,
    order: str = "IRI",
    descending: bool = False,
) -> Record:
    """A Relay connection record over the entities `filters` selects."""
    if first < 0 or first > max_page_size:
        raise GraphQLUserError(f"first: {first} is out of range; ask for 0 to {max_page_size} items")
    offset = decode_cursor(after)
    entity = ENTITIES[entity_name]
    plan = build_plan(entity_name, connection_nodes(selections))
    sort = SORTS[order]
    root = RootPattern(
        patterns=(f"?e0 a <{entity.rdf_class}> .", *filters.patterns),
        terms=filters.terms,
        sort=sort.replace("{label}", entity.label_predicate) if sort else None,
        descending=descending,
        limit=first + 1,
        offset=offset,
        total=selects(selections, "totalCount"),
    )
    page = await _run(store, plan, root)
    records = page.records[:first]
    edges = [{"cursor": encode_cursor(offset + i), "node": r} for i, r in enumerate(records)]
    return {
        "edges": edges,
        "nodes": records,
        "totalCount": page.total,
        "pageInfo": {
            "hasNextPage": len(page.records) > first,
            "hasPreviousPage": offset > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


async def fetch_by_iris(
    store: Store, entity_name: str, selections: Sequence[Selection], iris: Sequence[str]
) -> dict[str, Record]:
    """The records of the given IRIs that are entities of this type, in one query."""
    if not iris:
        return {}
    entity = ENTITIES[entity_name]
    plan = build_plan(entity_name, selections)
    terms = Terms()
    values = " ".join(str(NamedNode(iri)) for iri in iris)
    root = RootPattern(patterns=(f"VALUES ?e0 {{ {values} }}", f"?e0 a <{entity.rdf_class}> ."),
                       terms=terms)
    page = await _run(store, plan, root)
    return {record["iri"]: record for record in page.records}


async def fetch_one(
    store: Store, entity_name: str, selections: Sequence[Selection], filters: Filters
) -> Record | None:
    """The one entity `filters` selects (by key or code), or None."""
    entity = ENTITIES[entity_name]
    plan = build_plan(entity_name, selections)
    root = RootPattern(patterns=(f"?e0 a <{entity.rdf_class}> .", *filters.patterns),
                       terms=filters.terms, limit=1)
    page = await _run(store, plan, root)
    return page.records[0] if page.records else None


async def _run(store: Store, plan: Any, root: RootPattern) -> Page:
    compiled = compile_query(plan, root)
    rows = await store_access.select(store, compiled.text)
    return read_rows(compiled, rows)


def theme_iri(minter: IriMinter, key: str) -> str:
    if not SLUG_PATTERN.match(key):
        raise GraphQLUserError(f"theme: {key!r} is not a key (lower-case letters, digits, hyphens)")
    return minter.theme(key)
