"""What the linked-data build steps cost: VoID totals in the statistics, and the three dumps.

Builds one store of the shipped data plus N synthetic partnership-like triples, then times
`compute_statistics` without and with the VoID totals and `write_dumps`, each repeated, and
prints medians. Usage: python bench/build_extras.py [N ...] (default 100000 600000).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from healthgraph.graph.dumps import write_dumps
from healthgraph.graph.statistics import compute_statistics
from pyoxigraph import NamedNode, RdfFormat, Store

BASE = "https://w3id.org/healthgraph/"
REPEAT = 3


def synthetic(n: int) -> bytes:
    lines = []
    for i in range(n // 4):
        s = f"<{BASE}id/partnership/p{i}>"
        lines += [
            f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Partnership> .",
            f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "Partnership {i}"@en .',
            f"{s} <{BASE}ontology#country> <{BASE}id/country/c{i % 50}> .",
            f"{s} <http://www.w3.org/ns/org#hasMember> <{BASE}id/organisation/o{i % 5000}> .",
        ]
    return ("\n".join(lines) + "\n").encode()


def median_seconds(action: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(n: int, work: Path) -> str:
    """One table row for a store of about `n` triples built in `work`."""
    store = Store(str(work / "store"))
    store.bulk_load(synthetic(n), RdfFormat.N_TRIPLES, to_graph=NamedNode(f"{BASE}graph/bench"))
    store.optimize()
    base = median_seconds(lambda: compute_statistics(store))
    totals = median_seconds(lambda: compute_statistics(store, BASE))
    dumps = median_seconds(lambda: write_dumps(store, work))
    size = sum(d.bytes for d in write_dumps(store, work))
    return f"| {len(store):,} | {base:.2f} s | {totals:.2f} s | {dumps:.2f} s | {size / 1e6:.0f} MB |"


def main(sizes: list[int]) -> None:
    print("| triples | statistics | + VoID totals | dumps (nq.gz + ttl + jsonld) | dump bytes |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        work = Path(tempfile.mkdtemp())
        try:
            print(measure(n, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 600_000])
