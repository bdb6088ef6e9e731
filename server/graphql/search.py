"""Search across labels: entities of the searched types whose label contains the text.

From the version's text index when it has one (`TextIndex.labels`), else as the SPARQL
`CONTAINS` query below; the two give the same hits in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.store import Store
from healthgraph.graph.text_index import LABELLED_TYPES, TextIndex
from healthgraph.server.graphql import store_access
from healthgraph.server.graphql.compiler import Terms
from healthgraph.server.graphql.compiler import text as term_text
from pyoxigraph import Literal, NamedNode
from starlette.concurrency import run_in_threadpool

SEARCHED = tuple(labelled.name for labelled in LABELLED_TYPES)
"""The GraphQL types searched (their class and label predicate agree with `mapping.ENTITIES`)."""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    type: str


def contains_query(needle: str, row_limit: int) -> str:
    """The SPARQL `search` runs without an index: one row per label and type."""
    terms = Terms()
    bound = terms.bind(Literal(needle))
    classes = " ".join(
        f"({NamedNode(t.rdf_class)} {NamedNode(t.label_predicate)} {Literal(t.name)})"
        for t in LABELLED_TYPES
    )
    return sparql_prefixes() + f"""SELECT ?e ?label ?type WHERE {{
  {terms.values()}
  VALUES (?class ?labelPredicate ?type) {{ {classes} }}
  ?e a ?class ; ?labelPredicate ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), {bound}))
}} ORDER BY STR(?label) ?e ?type LIMIT {int(row_limit)}"""


def _first_of_each(rows: Iterable[tuple[str, str, str]], limit: int) -> list[Hit]:
    """One hit per entity (a board is also an organisation): its first row."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for iri, label, kind in rows:
        if iri in seen:
            continue
        seen.add(iri)
        hits.append(Hit(iri, label, kind))
        if len(hits) == limit:
            break
    return hits


async def search_labels(store: Store, text: str, limit: int, index: TextIndex | None = None) -> list[Hit]:
    """Entities whose label contains `text` (case-insensitive), by label then IRI."""
    needle = text.strip().lower()
    row_limit = int(limit) * len(SEARCHED)
    if index is not None:
        rows = await run_in_threadpool(index.labels, needle, row_limit)
    else:
        found = await store_access.select(store, contains_query(needle, row_limit))
        rows = [(term_text(r["e"]), term_text(r["label"]), term_text(r["type"])) for r in found]
    return _first_of_each(rows, limit)
