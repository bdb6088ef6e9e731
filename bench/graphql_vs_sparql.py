"""The nested list query through /graphql vs the equivalent SPARQL through /sparql, same run.

    .venv/bin/python bench/graphql_vs_sparql.py [--rounds 40] [--state-dir DIR]

Builds the shipped data into a temporary state directory (unless --state-dir names a built
one), starts `healthgraph serve` (uvicorn) on a free port, warms both endpoints up, then
alternates the two requests and prints the median latency of each and their ratio as a
Markdown table (docs/benchmarks.md keeps the figures). Timings on a shared machine are noisy:
read the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

GRAPHQL = """{ partnerships(first: 100) { nodes {
  iri label
  members { iri role { label } organisation { iri label country { iri label } } }
} } }"""

SPARQL = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?pl ?m ?rl ?o ?ol ?c ?cl WHERE {
  { SELECT ?p ?sort WHERE { ?p a hg:Partnership OPTIONAL { ?p rdfs:label ?l } BIND(STR(?l) AS ?sort) }
    ORDER BY ?sort ?p LIMIT 100 }
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL {
    ?p hg:membership ?m .
    ?m org:role/rdfs:label ?rl ; org:member ?o .
    ?o rdfs:label ?ol .
    OPTIONAL { ?o hg:country ?c . ?c rdfs:label ?cl }
  }
} ORDER BY ?sort ?p ?m"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--state-dir", type=Path)
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("healthgraph")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(args.state_dir or Path(tmp) / "state")}
        if args.state_dir is None:
            subprocess.run([str(exe), "load"], env=env, check=True, capture_output=True)
        port = free_port()
        env["HEALTHGRAPH_PORT"] = str(port)
        server = subprocess.Popen([str(exe), "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            return _measure(f"http://127.0.0.1:{port}", args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _measure(base: str, rounds: int) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(100):
            try:
                client.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)

        def graphql() -> int:
            response = client.post("/graphql", json={"query": GRAPHQL})
            response.raise_for_status()
            return len(response.json()["data"]["partnerships"]["nodes"])

        def sparql() -> int:
            response = client.post("/sparql", data={"query": SPARQL},
                                   headers={"Accept": "application/sparql-results+json"})
            response.raise_for_status()
            return len(response.json()["results"]["bindings"])

        for _ in range(5):
            graphql()
            sparql()
        times: dict[str, list[float]] = {"graphql": [], "sparql": []}
        for _ in range(rounds):
            for name, call in (("graphql", graphql), ("sparql", sparql)):
                started = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - started)
        g, s = (statistics.median(times[k]) * 1000 for k in ("graphql", "sparql"))
        print("| request | median (ms) | rounds |")
        print("| --- | ---: | ---: |")
        print(f"| GraphQL `/graphql`: 100 partnerships -> members -> organisation -> country | "
              f"{g:.1f} | {rounds} |")
        print(f"| SPARQL `/sparql`: the same traversal, one query, JSON results | {s:.1f} | {rounds} |")
        print(f"\nratio GraphQL / SPARQL: **{g / s:.2f}x** (goal <= 1.5x); "
              f"{graphql()} partnerships, {sparql()} SPARQL rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
