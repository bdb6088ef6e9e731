"""Text search latency: the per-version FTS5 index against the SPARQL CONTAINS query it replaces.

    python bench/search.py --state /tmp/state-100k --label 100k --out bench/results/search-100k.json
    python bench/search.py --csv /tmp/hg-1m --label 1m --out bench/results/search-1m.json

With --state: `Snapshot.search` and the equivalent CONTAINS query on the built version (and a
check that both return the same IRIs). With --csv (no store at that size): an index built
from the labels and summaries of partnerships.csv, organisations.csv and documents.csv, the
same rows a build indexes, for the index's own latency.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from healthgraph.graph.current import CurrentVersion, contains_query
from healthgraph.graph.text_index import Entry, TextIndex, build_text_index
from healthgraph.graph.versions import VersionedStore

NEEDLES = ("eye", "malaria", "partnership 12345", "zz")


def _median_ms(call: Callable[[], object], repeat: int = 7) -> float:
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _csv_entries(folder: Path) -> Iterator[Entry]:
    base = "https://w3id.org/healthgraph/id/"
    for name, kind, label, summary in (("partnerships", "partnership", "name", "summary"),
                                       ("organisations", "organisation", "name", None),
                                       ("documents", "document", "title", "summary")):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield Entry(f"{base}{kind}/{row['key']}", row[label], row[summary] if summary else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", type=Path)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    results: dict[str, object] = {"label": args.label}
    if args.state:
        snapshot = CurrentVersion(VersionedStore(args.state)).snapshot()
        for needle in NEEDLES:
            index_ms = _median_ms(lambda n=needle: snapshot.search(n, 50))  # type: ignore[misc]
            query = contains_query(needle, 50, 0)
            contains_ms = _median_ms(lambda q=query: snapshot.store.select(q), repeat=3)  # type: ignore[misc]
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
                results[needle] = {"index_ms": _median_ms(lambda n=needle: index.search(n, 50))}  # type: ignore[misc]
                print(args.label, needle, results[needle], file=sys.stderr)
            index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
