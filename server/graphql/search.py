"""Search across labels: a CONTAINS over labels for now, behind this one function.

The per-version text index (issue 7) replaces the body of `search_labels`; callers stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.store import Store
from healthgraph.server.graphql import store_access
from healthgraph.server.graphql.compiler import Terms
from healthgraph.server.graphql.compiler import text as term_text
from healthgraph.server.graphql.mapping import ENTITIES
from pyoxigraph import Literal, NamedNode

SEARCHED = ("Partnership", "Organisation", "Country", "Programme", "Document", "Role", "Theme")


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    type: str


async def search_labels(store: Store, text: str, limit: int) -> list[Hit]:
    """Entities whose label contains `text` (case-insensitive), by label then IRI."""
    terms = Terms()
    needle = terms.bind(Literal(text.strip().lower()))
    classes = " ".join(
        f"({NamedNode(ENTITIES[name].rdf_class)} {NamedNode(ENTITIES[name].label_predicate)} "
        f"{Literal(name)})"
        for name in SEARCHED
    )
    query = sparql_prefixes() + f"""SELECT ?e ?label ?type WHERE {{
  {terms.values()}
  VALUES (?class ?labelPredicate ?type) {{ {classes} }}
  ?e a ?class ; ?labelPredicate ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), {needle}))
}} ORDER BY STR(?label) ?e ?type LIMIT {int(limit) * len(SEARCHED)}"""
    hits: list[Hit] = []
    seen: set[str] = set()
    for row in await store_access.select(store, query):
        iri = term_text(row["e"])
        if iri in seen:  # a board is also an organisation: one hit, the first type
            continue
        seen.add(iri)
        hits.append(Hit(iri, term_text(row["label"]), term_text(row["type"])))
        if len(hits) == limit:
            break
    return hits
