"""Per-version statistics, computed once at build time so pages and APIs never scan."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.store import Term, solutions
from pyoxigraph import Literal, Store

_QUERIES: dict[str, str] = {
    "classes": "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } GROUP BY ?key",
    "properties": "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key",
    "graphs": "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key",
    "property_triples": """SELECT ?key (COUNT(*) AS ?n) WHERE {
        SELECT DISTINCT ?s ?key ?o WHERE { ?s ?key ?o } } GROUP BY ?key""",
    "partnerships_per_country": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p a hg:Partnership ; hg:country ?key } GROUP BY ?key""",
    "partnerships_per_theme": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p a hg:Partnership ; hg:theme ?key } GROUP BY ?key""",
    "partnerships_per_programme": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p a hg:Partnership ; hg:programme ?key } GROUP BY ?key""",
    "partnerships_per_board": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?key a hg:HealthBoard . ?p a hg:Partnership ; org:hasMember ?key } GROUP BY ?key""",
    "partnerships_per_member_class": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p a hg:Partnership ; org:hasMember ?m . ?m a ?key } GROUP BY ?key""",
    "partnerships_per_start_year": """SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p a hg:Partnership ; hg:startYear ?key } GROUP BY ?key""",
}

# Whole-dataset figures for VoID, over the union of all graphs (each triple counted once).
# `union_triples` is the sum of `property_triples` (no second DISTINCT pass over everything);
# distinct subjects and entities come from one pass over the distinct subjects.
_SUBJECTS: Final = """SELECT (COUNT(*) AS ?subjects)
    (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), %s), 1, 0)) AS ?entities)
    WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }"""
_OBJECTS: Final = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"


def _count(value: Term | None) -> int:
    return int(value.value) if isinstance(value, Literal) else 0


def compute_statistics(store: Store, base_iri: str | None = None) -> dict[str, Any]:
    """Counts by class, property, graph, and partnerships by country, theme, board, year.

    With `base_iri`, also the whole-dataset totals VoID states: distinct triples of the union
    graph, distinct subjects and objects, and entities (subjects under `{base_iri}id/`).
    """
    def grouped(body: str) -> dict[str, int]:
        rows = solutions(store.query(sparql_prefixes() + body, use_default_graph_as_union=True))
        return {row["key"].value: int(row["n"].value) for row in rows}

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the engine releases the GIL
        stats: dict[str, Any] = dict(zip(_QUERIES, pool.map(grouped, _QUERIES.values()), strict=True))
    if base_iri is not None:
        stats["union_triples"] = sum(stats["property_triples"].values())
        uri_space = str(Literal(f"{base_iri}id/"))  # a quoted, escaped SPARQL literal
        rows = solutions(store.query(_SUBJECTS % uri_space, use_default_graph_as_union=True))
        row = next(rows, None)
        stats["distinct_subjects"] = _count(row["subjects"] if row is not None else None)
        stats["entities"] = _count(row["entities"] if row is not None else None)
        row = next(solutions(store.query(_OBJECTS, use_default_graph_as_union=True)), None)
        stats["distinct_objects"] = _count(row["n"] if row is not None else None)
    total = solutions(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    stats["triples"] = int(next(total)["n"].value)
    return stats
