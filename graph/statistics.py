"""Per-version statistics, computed once at build time so pages and APIs never scan."""

from __future__ import annotations

from typing import Any, Final

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.store import Term, solutions
from pyoxigraph import Literal, Store, Variable

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
_TOTALS: Final[dict[str, str]] = {
    "union_triples": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
    "distinct_subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinct_objects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "entities": """SELECT ?uriSpace (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?uriSpace)) } GROUP BY ?uriSpace""",
}


def compute_statistics(store: Store, base_iri: str | None = None) -> dict[str, Any]:
    """Counts by class, property, graph, and partnerships by country, theme, board, year.

    With `base_iri`, also the whole-dataset totals VoID states: distinct triples of the union
    graph, distinct subjects and objects, and entities (subjects under `{base_iri}id/`).
    """
    stats: dict[str, Any] = {}
    for name, body in _QUERIES.items():
        rows = solutions(store.query(sparql_prefixes() + body, use_default_graph_as_union=True))
        stats[name] = {row["key"].value: int(row["n"].value) for row in rows}
    if base_iri is not None:
        for name, body in _TOTALS.items():
            uri_space: dict[Variable, Term] | None = (
                {Variable("uriSpace"): Literal(f"{base_iri}id/")} if "?uriSpace" in body else None
            )
            rows = solutions(
                store.query(body, substitutions=uri_space, use_default_graph_as_union=True)
            )
            row = next(rows, None)  # a GROUP BY over nothing (an emptied store) has no row
            stats[name] = int(row["n"].value) if row is not None else 0
    total = solutions(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    stats["triples"] = int(next(total)["n"].value)
    return stats
