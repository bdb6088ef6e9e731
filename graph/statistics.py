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

# Quads per property and graph, in one pass: the counts per property (`properties`, a
# triple counted once per graph holding it), per graph and in all come from it.
_PER_PROPERTY_AND_GRAPH: Final = """SELECT ?key ?graph (COUNT(*) AS ?n) WHERE {
    GRAPH ?graph { ?s ?key ?o } } GROUP BY ?key ?graph"""
# The triples of one property held by several graphs that no graph before them holds, in an
# order where the graph with the most of them comes first (its own are all new, so they are
# counted, not looked up). A DISTINCT over every triple would hold them all in the engine's
# memory (1 GB at 100k partnerships, 10 GB at 1M); this looks each one up in the index.
_NEW_TRIPLES: Final = """SELECT (COUNT(*) AS ?n) WHERE {
    VALUES (?g ?rank) { %(later)s }
    GRAPH ?g { ?s %(p)s ?o }
    FILTER NOT EXISTS { VALUES (?h ?before) { %(ranked)s } GRAPH ?h { ?s %(p)s ?o }
                        FILTER(?before < ?rank) } }"""
# Whole-dataset figures for VoID, over the union of all graphs (each triple counted once).
# `union_triples` is the sum of `property_triples`; distinct subjects and entities come from
# one pass over the distinct subjects.
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

    def distinct_triples(prop: str, graphs: dict[str, int]) -> int:
        ranked = sorted(graphs, key=lambda graph: (-graphs[graph], graph))
        pairs = [f"(<{graph}> {rank})" for rank, graph in enumerate(ranked)]
        query = _NEW_TRIPLES % {"p": f"<{prop}>", "later": " ".join(pairs[1:]),
                                "ranked": " ".join(pairs)}
        return graphs[ranked[0]] + int(next(solutions(store.query(query)))["n"].value)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the engine releases the GIL
        grouped_counts = pool.map(grouped, _QUERIES.values())
        per_graph: dict[str, dict[str, int]] = {}
        for row in solutions(store.query(_PER_PROPERTY_AND_GRAPH)):
            per_graph.setdefault(row["key"].value, {})[row["graph"].value] = int(row["n"].value)
        shared = sorted(prop for prop, graphs in per_graph.items() if len(graphs) > 1)
        stats: dict[str, Any] = dict(zip(_QUERIES, grouped_counts, strict=True))
        stats["property_triples"] = {prop: sum(graphs.values()) for prop, graphs in per_graph.items()}
        counted = pool.map(lambda prop: distinct_triples(prop, per_graph[prop]), shared)
        stats["property_triples"].update(zip(shared, counted, strict=True))
    stats["properties"] = {prop: sum(graphs.values()) for prop, graphs in per_graph.items()}
    stats["graphs"] = {}
    for graphs in per_graph.values():
        for graph, count in graphs.items():
            stats["graphs"][graph] = stats["graphs"].get(graph, 0) + count
    stats["triples"] = sum(stats["graphs"].values())
    if base_iri is not None:
        stats["union_triples"] = sum(stats["property_triples"].values())
        uri_space = str(Literal(f"{base_iri}id/"))  # a quoted, escaped SPARQL literal
        rows = solutions(store.query(_SUBJECTS % uri_space, use_default_graph_as_union=True))
        row = next(rows, None)
        stats["distinct_subjects"] = _count(row["subjects"] if row is not None else None)
        stats["entities"] = _count(row["entities"] if row is not None else None)
        row = next(solutions(store.query(_OBJECTS, use_default_graph_as_union=True)), None)
        stats["distinct_objects"] = _count(row["n"] if row is not None else None)
    return stats
