"""Per-version statistics: the figures equal what a direct (memory-hungry) count gives."""

from __future__ import annotations

from pathlib import Path

from healthgraph.graph.statistics import compute_statistics
from pyoxigraph import RdfFormat, Store


def _grouped(store: Store, query: str) -> dict[str, int]:
    return {row["key"].value: int(row["n"].value)
            for row in store.query(query, use_default_graph_as_union=True)}


def test_counts_equal_direct_counts_when_graphs_share_triples(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    ex = "http://example.org/"
    lines = []
    for graph, subjects in (("a", range(0, 60)), ("b", range(40, 100)), ("c", range(50, 55)),
                            ("d", range(200, 210))):
        for i in subjects:
            lines.append(f"<{ex}s{i}> <{ex}p> <{ex}o{i % 7}> <{ex}g/{graph}> .\n")
            lines.append(f'<{ex}s{i}> <{ex}label> "s{i}" <{ex}g/{graph}> .\n')
        lines.append(f"<{ex}{graph}> <{ex}only-{graph}> <{ex}x> <{ex}g/{graph}> .\n")
    store.load("".join(lines).encode(), format=RdfFormat.N_QUADS)

    stats = compute_statistics(store, "http://example.org/")

    distinct = _grouped(store, "SELECT ?key (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?key ?o "
                               "WHERE { ?s ?key ?o } } GROUP BY ?key")
    assert stats["property_triples"] == distinct
    assert distinct[f"{ex}p"] == 110  # s0..s99 and s200..s209, shared ones counted once
    assert stats["union_triples"] == sum(distinct.values())
    assert stats["properties"] == _grouped(
        store, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?key ?o } } GROUP BY ?key")
    assert stats["graphs"] == _grouped(
        store, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key")
    assert stats["triples"] == len(store)
