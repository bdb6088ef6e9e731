"""Query latency for a fixed mix, on every server, at one size (one run, medians side by side).

    python bench/queries.py --state /tmp/state-100k --label 100k --out bench/results/queries-100k.json

Servers, each started here on 127.0.0.1 and stopped at the end:

- `ours-embedded`: `healthgraph serve` (1 uvicorn worker) over the built version, /sparql;
  results are cached per store version, so after the warm-up it answers from the cache
- `ours-uncached`: the same with `HEALTHGRAPH_RESULT_CACHE_BYTES=0`: every query runs in the
  engine, as on `oxigraph serve`
- `ours-remote`: `healthgraph serve` with HEALTHGRAPH_STORE pointing at an `oxigraph serve`
  that holds the same version, published by our build's remote publishing (chunked Graph
  Store writes into the engine's bulk loader), without the result cache (as `ours-uncached`:
  every query goes to the engine); `--no-remote` leaves it out (at 1M the publishing alone
  takes the better part of an hour here)
- `oxigraph`: `oxigraph serve-read-only --union-default-graph` on the same store directory
- `rdflib-endpoint`: the N-Triples of the CSV graphs in an rdflib `Graph` (only when asked,
  with --rdflib, and where it finishes)

Every query is sent `--repeat` times after one warm-up, with `Accept:
application/sparql-results+json`; the median wall time of the HTTP round trip is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
PREFIXES = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
ID = "https://w3id.org/healthgraph/id/"
MIX: dict[str, str] = {
    "point lookup": f"SELECT ?p ?o WHERE {{ <{ID}partnership/partnership-0000500> ?p ?o }}",
    "2-hop country pair": f"""SELECT DISTINCT ?p WHERE {{
        ?p hg:country <{ID}country/gb-sct> ; org:hasMember ?o .
        ?o hg:country <{ID}country/ab> }} LIMIT 100""",
    "aggregate per country": """SELECT ?c (COUNT(?p) AS ?n) WHERE { ?p a hg:Partnership ; hg:country ?c }
        GROUP BY ?c ORDER BY DESC(?n) LIMIT 20""",
    "3-hop traversal": f"""SELECT DISTINCT ?other WHERE {{
        <{ID}organisation/org-0000042> org:hasMembership ?m . ?m org:organization ?p .
        ?p org:hasMember ?other . ?other org:hasMembership ?m2 }} LIMIT 200""",
    "text filter": """SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "eye")) }
        ORDER BY STR(?l) ?s LIMIT 50""",
}
TEXT_INDEX_QUERY = """SELECT ?s ?l WHERE { ?s hg:textSearch "eye" ; rdfs:label ?l }
    ORDER BY STR(?l) ?s LIMIT 50"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def measure(url: str, query: str, repeat: int, timeout: float) -> dict[str, object]:
    times: list[float] = []
    rows = -1
    with httpx.Client(timeout=timeout) as client:
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            try:
                response = client.post(url, data={"query": PREFIXES + query},
                                       headers={"Accept": "application/sparql-results+json"})
            except httpx.TimeoutException:
                return {"error": f"timeout after {timeout:g} s"}
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                return {"error": f"HTTP {response.status_code}: {response.text[:200]}"}
            if attempt:
                times.append(elapsed)
            rows = len(response.json()["results"]["bindings"])
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", type=Path, required=True, help="a built HEALTHGRAPH_STATE_DIR")
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--rdflib", type=Path, help="an N-Triples file for rdflib-endpoint")
    parser.add_argument("--no-remote", action="store_true")
    args = parser.parse_args(argv)
    current = json.loads((args.state / "CURRENT").read_text())["version"]
    store_dir = args.state / "versions" / current / "store"
    processes: list[subprocess.Popen[bytes]] = []
    servers: dict[str, str] = {}
    env = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(args.state), "HEALTHGRAPH_QUERY_TIMEOUT": "120",
           "HEALTHGRAPH_MAX_QUERY_TIMEOUT": "300"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    try:
        port = free_port()
        processes.append(subprocess.Popen([str(BIN / "healthgraph"), "serve", "--port", str(port)],
                                          env=env, **quiet))  # type: ignore[call-overload]
        servers["ours-embedded"] = f"http://127.0.0.1:{port}/sparql"
        port = free_port()
        processes.append(subprocess.Popen([str(BIN / "healthgraph"), "serve", "--port", str(port)],
                                          env={**env, "HEALTHGRAPH_RESULT_CACHE_BYTES": "0"},
                                          **quiet))  # type: ignore[call-overload]
        servers["ours-uncached"] = f"http://127.0.0.1:{port}/sparql"
        port = free_port()
        processes.append(subprocess.Popen(
            [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store_dir),
             "--bind", f"127.0.0.1:{port}", "--union-default-graph"], **quiet))  # type: ignore[call-overload]
        servers["oxigraph"] = f"http://127.0.0.1:{port}/query"
        if not args.no_remote:
            engine_port = free_port()
            engine_dir = args.state.parent / f"{args.state.name}-engine"
            shutil.rmtree(engine_dir, ignore_errors=True)  # publish into an empty engine, each run
            processes.append(subprocess.Popen(
                [str(BIN / "oxigraph"), "serve", "--location", str(engine_dir),
                 "--bind", f"127.0.0.1:{engine_port}"], **quiet))  # type: ignore[call-overload]
            wait_for(f"http://127.0.0.1:{engine_port}/query", processes[-1])
            engine = f"http://127.0.0.1:{engine_port}/"
            started = time.monotonic()
            subprocess.run([sys.executable, "-c", (
                "import sys; from pathlib import Path; from healthgraph.server import pipeline;"
                "from healthgraph.server.settings import Settings;"
                "from healthgraph.graph.versions import VersionedStore;"
                "s = Settings(state_dir=Path(sys.argv[1]), store=sys.argv[2]);"
                "pipeline.remote_versions(s).publish(VersionedStore(s.state_dir).current())"),
                str(args.state), engine], check=True)
            publish_seconds = time.monotonic() - started
            port = free_port()
            processes.append(subprocess.Popen(
                [str(BIN / "healthgraph"), "serve", "--port", str(port)],
                env={**env, "HEALTHGRAPH_STORE": engine, "HEALTHGRAPH_RESULT_CACHE_BYTES": "0"},
                **quiet))  # type: ignore[call-overload]
            servers["ours-remote"] = f"http://127.0.0.1:{port}/sparql"
        if args.rdflib:
            port = free_port()
            processes.append(subprocess.Popen(
                [str(BIN / "rdflib-endpoint"), "serve", str(args.rdflib), "--port", str(port),
                 "--host", "127.0.0.1"], **quiet))  # type: ignore[call-overload]
            servers["rdflib-endpoint"] = f"http://127.0.0.1:{port}/"
        for url, process in zip(servers.values(), processes, strict=False):
            wait_for(url, process)
        results: dict[str, object] = {"label": args.label, "servers": {}}
        if not args.no_remote:
            results["publish_seconds"] = publish_seconds
        for name, url in servers.items():
            timings: dict[str, object] = {}
            for query_name, query in MIX.items():
                timings[query_name] = measure(url, query, args.repeat, args.timeout)
                print(f"{args.label} {name:16} {query_name:22} {timings[query_name]}", file=sys.stderr)
            if name.startswith("ours"):
                timings["text filter (text index)"] = measure(url, TEXT_INDEX_QUERY, args.repeat,
                                                              args.timeout)
                print(f"{args.label} {name:16} text index {timings['text filter (text index)']}",
                      file=sys.stderr)
            results["servers"][name] = timings  # type: ignore[index]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
