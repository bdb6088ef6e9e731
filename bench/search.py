"""Text search latency: the per-version FTS5 index against the SPARQL CONTAINS query it replaces.

    python bench/search.py --state /tmp/state-100k --label 100k --out bench/results/search-100k.json
    python bench/search.py --state /tmp/state-100k --rebuild-index /tmp/work --label 100k ...
    python bench/search.py --csv /tmp/hg-1m --label 1m --out bench/results/search-1m.json

With --state: `Snapshot.search` and the equivalent CONTAINS query on the built version, GraphQL
`search` (`search_labels`) and the partnership search (`graph.search.search`: total, page and
facets) through the index and through SPARQL, each with a check that both answer the same.
With --rebuild-index DIR the index is built anew from the version's store into DIR first (a
version built by older code has an index of an older format), timing the build with only the
label/description table (the format-1 index) and the complete one (CPU and wall seconds).
With --csv (no store at that size): an index built from the labels and summaries of
partnerships.csv, organisations.csv and documents.csv, the same rows a build indexes, for the
index's own latency.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from healthgraph.graph.current import CurrentVersion, Snapshot, contains_query
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.search import Filters, search
from healthgraph.graph.store import EmbeddedStore
from healthgraph.graph.text_index import Entry, TextIndex, build_text_index, entries, open_text_index
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.graphql.search import search_labels

NEEDLES = ("eye", "malaria", "partnership 12345", "zz")
UI_SEARCHES: dict[str, dict[str, str]] = {
    "q=malaria": {"q": "malaria"},
    "q=eye care": {"q": "eye care"},
    "q=malaria country=GB-SCT": {"q": "malaria", "country": "GB-SCT"},
    "q=zz": {"q": "zz"},
    "country=GB-SCT": {"country": "GB-SCT"},
    "country=AR": {"country": "AR"},
    "kind=university from=2000": {"kind": "university", "from": "2000"},
    "no filter, page 3": {"page": "3"},
}


def median_ms(call: Callable[[], object], repeat: int = 7) -> float:
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _compared(indexed: Callable[[], object], sparql: Callable[[], object],
              repeat_sparql: int) -> dict[str, object]:
    """Medians of both paths (the slow SPARQL path without a warm-up run) and whether their
    answers are equal."""
    times, answer = [], None
    for _ in range(repeat_sparql):
        started = time.perf_counter()
        answer = sparql()
        times.append(time.perf_counter() - started)
    return {"index_ms": median_ms(indexed), "sparql_ms": statistics.median(times) * 1000,
            "same_results": indexed() == answer}


def _csv_entries(folder: Path) -> Iterator[Entry]:
    base = "https://w3id.org/healthgraph/id/"
    for name, kind, label, summary in (("partnerships", "partnership", "name", "summary"),
                                       ("organisations", "organisation", "name", None),
                                       ("documents", "document", "title", "summary")):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield Entry(f"{base}{kind}/{row['key']}", row[label], row[summary] if summary else "")


def _timed(call: Callable[[], object]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def _rebuilt(snapshot: Snapshot, work: Path) -> tuple[Snapshot, dict[str, object]]:
    """The snapshot with an index built now from its store (both index builds timed)."""
    if not isinstance(snapshot.store, EmbeddedStore):
        raise SystemExit("--rebuild-index needs an embedded store")
    store = snapshot.store.raw
    work.mkdir(parents=True, exist_ok=True)
    labels_only = _timed(lambda: build_text_index(work / "labels-only.sqlite", entries(store)))
    path = work / "text.sqlite"
    complete = _timed(lambda: build_text_index(path, entries(store), store))
    index = open_text_index(path)
    if index is None:
        raise SystemExit(f"{path}: not an index of the current format")
    sizes = {"labels_only_mb": (work / "labels-only.sqlite").stat().st_size / 1e6,
             "complete_mb": path.stat().st_size / 1e6}
    return Snapshot(snapshot.version, snapshot.store, index), {
        "labels_only": labels_only, "complete": complete, **sizes}


def _graphql(snapshot: Snapshot, label: str, repeat_sparql: int) -> dict[str, object]:
    """GraphQL `search` (first: 10) through the index and through SPARQL."""
    found: dict[str, object] = {}
    for needle in NEEDLES:
        def indexed(n: str = needle) -> object:
            return asyncio.run(search_labels(snapshot.store, n, 10, snapshot.text_index))

        def sparql(n: str = needle) -> object:
            return asyncio.run(search_labels(snapshot.store, n, 10))

        found[needle] = _compared(indexed, sparql, repeat_sparql)
        print(label, "graphql", needle, found[needle], file=sys.stderr)
    return found


def _ui(snapshot: Snapshot, label: str, repeat_sparql: int) -> dict[str, object]:
    """The partnership search (total, page, facets) through the index and through SPARQL."""
    minter, stats = IriMinter(), snapshot.version.statistics
    found: dict[str, object] = {}
    for name, params in UI_SEARCHES.items():
        filters = Filters.parse(params)

        def indexed(f: Filters = filters) -> object:
            return search(snapshot.store, f, minter, stats, snapshot.search_index)

        def sparql(f: Filters = filters) -> object:
            return search(snapshot.store, f, minter, stats)

        found[name] = _compared(indexed, sparql, repeat_sparql)
        print(label, "ui", name, found[name], file=sys.stderr)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", type=Path)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rebuild-index", type=Path)
    parser.add_argument("--repeat-sparql", type=int, default=3)
    args = parser.parse_args(argv)
    results: dict[str, object] = {"label": args.label}
    if args.state:
        snapshot = CurrentVersion(VersionedStore(args.state)).snapshot()
        if args.rebuild_index:
            snapshot, results["index_build"] = _rebuilt(snapshot, args.rebuild_index)
            print(args.label, results["index_build"], file=sys.stderr)
        results["graphql_search"] = _graphql(snapshot, args.label, args.repeat_sparql)
        results["ui_search"] = _ui(snapshot, args.label, args.repeat_sparql)
        for needle in NEEDLES:
            index_ms = median_ms(lambda n=needle: snapshot.search(n, 50))  # type: ignore[misc]
            query = contains_query(needle, 50, 0)
            contains_ms = median_ms(lambda q=query: snapshot.store.select(q), repeat=3)  # type: ignore[misc]
            same = snapshot.search(needle, 50) == [r["s"].value for r in snapshot.store.select(query)]
            results[needle] = {"index_ms": index_ms, "contains_ms": contains_ms, "same_results": same}
            print(args.label, needle, results[needle], file=sys.stderr)
    if args.csv:
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "text.sqlite"
            started = time.monotonic()
            count = build_text_index(path, _csv_entries(args.csv))
            results["index_build_s"] = time.monotonic() - started
            results["entries"] = count
            index = TextIndex(path)
            for needle in NEEDLES:
                results[needle] = {"index_ms": median_ms(lambda n=needle: index.search(n, 50))}  # type: ignore[misc]
                print(args.label, needle, results[needle], file=sys.stderr)
            index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
