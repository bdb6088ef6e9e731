"""Benchmark: our /sparql against `oxigraph serve-read-only` on the same store, side by side.

    .venv/bin/pip install -e '.[bench]' && apt-get install wrk
    .venv/bin/python bench/sparql_endpoint.py --partnerships 10000 --seconds 8

Builds one store version from `synthetic_nt.py`, serves it with our app under uvicorn (1 and
2 worker processes), with the floor of any Python server (`bare_app.py`: Starlette + pyoxigraph,
nothing else, 2 workers) and with Oxigraph's own server (`--union-default-graph`, so all see
the same default graph), then drives each with wrk at concurrency 16 for every workload:

- lookup: one partnership's triples (SELECT ?p ?o WHERE { <p> ?p ?o });
- mix: 60% lookups, 30% 2-hop joins (the partners of an organisation's partnerships),
  10% aggregates (partnerships of one theme counted per country);

each `uncached` (every request differs: a unique comment is appended, so no cache can answer)
and `repeated` (50 distinct requests cycled, as dashboards and crawlers do). Reports requests/s,
p50 and p99 latency, and our throughput as a ratio of Oxigraph's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from healthgraph.graph.sources import Source
from healthgraph.graph.versions import BuildOptions, VersionedStore
from pyoxigraph import RdfFormat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_nt as synthetic

PREFIXES = (
    "PREFIX hg: <https://w3id.org/healthgraph/ontology#> "
    "PREFIX org: <http://www.w3.org/ns/org#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
CONCURRENCY = 16
DISTINCT_UNCACHED = 2000
DISTINCT_REPEATED = 50


def lookup(i: int) -> str:
    return f"SELECT ?p ?o WHERE {{ <{synthetic.partnership(i)}> ?p ?o }}"


def two_hop(j: int) -> str:
    return (PREFIXES + "SELECT DISTINCT ?other ?label WHERE { "
            f"?p org:hasMember <{synthetic.organisation(j)}> ; org:hasMember ?other . "
            "?other rdfs:label ?label }")


def aggregate(t: int) -> str:
    return (PREFIXES + "SELECT ?country (COUNT(?p) AS ?n) WHERE { "
            f"?p a hg:Partnership ; hg:theme <{synthetic.theme(t)}> ; hg:country ?country }} "
            "GROUP BY ?country")


def workload(kind: str, count: int, partnerships: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    orgs = synthetic.organisations(partnerships)
    queries = []
    for n in range(count):
        if kind == "lookup" or n % 10 < 6:
            queries.append(lookup(rng.randrange(partnerships)))
        elif n % 10 < 9:
            queries.append(two_hop(rng.randrange(orgs)))
        else:
            queries.append(aggregate(rng.randrange(synthetic.THEMES)))
    return queries


LUA = """
local paths = {%(paths)s}
local unique = %(unique)s
local n = #paths
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = tid * 7919
end
function request()
  counter = counter + 1
  local path = paths[(counter %% n) + 1]
  if unique then
    path = path .. "%%0A%%23" .. tid .. "-" .. counter
  end
  return wrk.format("GET", path, {["Accept"] = "application/sparql-results+json"})
end
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, "
    .. "\\"non2xx\\": %%d, \\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    non2xx, socket))
end
"""


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    query_path: str
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Measurement:
    server: str
    workload: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    failures: int


def build_store(root: Path, partnerships: int) -> Path:
    data = root / "partnerships.nt"
    with data.open("w", encoding="utf-8") as handle:
        handle.writelines(synthetic.triples(partnerships))
    graph = f"{synthetic.BASE}graph/synthetic"
    source = Source("synthetic", graph, data, RdfFormat.N_TRIPLES,
                    lambda: [data.read_bytes()], "synthetic partnerships")
    options = BuildOptions(base_iri=synthetic.BASE, shapes=None,
                           inferred_graph=f"{synthetic.BASE}graph/inferred",
                           metadata_graph=f"{synthetic.BASE}graph/metadata", validate=False)
    info = VersionedStore(root / "state").build([source], options)
    print(f"store: {info.triples} triples in {info.store_path}", file=sys.stderr)
    return root / "state"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited")
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(server.url + server.query_path + quote("ASK {}"), timeout=2,
                                 headers={"Accept": "application/sparql-results+json"})
            if response.status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not start")


@contextlib.contextmanager
def servers(state: Path, log_dir: Path) -> Iterator[list[Server]]:
    store_path = VersionedStore(state).current().store_path
    started: list[Server] = []
    # one client address sends everything: the per-client budgets would answer 429
    env = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(state),
           "HEALTHGRAPH_CLIENT_REQUESTS_PER_SECOND": "0",
           "HEALTHGRAPH_CLIENT_QUERY_SECONDS_PER_MINUTE": "0"}
    bench_dir = str(Path(__file__).resolve().parent)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    commands = [
        ("healthgraph (1 uvicorn worker)", "/sparql?query=", lambda port, workers=1: [
            sys.executable, "-m", "uvicorn", "--factory", "--app-dir", bench_dir, "asgi_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]),
        ("healthgraph (2 uvicorn workers)", "/sparql?query=", lambda port, workers=2: [
            sys.executable, "-m", "uvicorn", "--factory", "--app-dir", bench_dir, "asgi_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]),
        ("bare Starlette + pyoxigraph (2 uvicorn workers)", "/sparql?query=",
         lambda port, workers=2: [
            sys.executable, "-m", "uvicorn", "--factory", "--app-dir", bench_dir, "bare_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]),
        ("oxigraph serve-read-only", "/query?query=", lambda port: [
            oxigraph, "serve-read-only", "--location", str(store_path),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph"]),
    ]
    try:
        for name, query_path, command in commands:
            port = free_port()
            log = (log_dir / f"{len(started)}.log").open("wb")
            process = subprocess.Popen(command(port), env=env, stdout=log, stderr=subprocess.STDOUT)
            server = Server(name, f"http://127.0.0.1:{port}", query_path, process)
            started.append(server)
            wait_ready(server)
        yield started
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()


def run_wrk(server: Server, queries: list[str], unique: bool, seconds: float,
            script_dir: Path) -> Measurement | dict[str, float]:
    paths = ", ".join(f'"{server.query_path.split("?")[0]}?query={quote(q, safe="")}"'
                      for q in queries)
    script = script_dir / f"{abs(hash((server.name, unique, len(queries))))}.lua"
    script.write_text(LUA % {"paths": paths, "unique": "true" if unique else "false"})
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script),
         server.url],
        check=True, capture_output=True, text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return result


def measure(args: argparse.Namespace) -> list[Measurement]:
    root = Path(tempfile.mkdtemp(prefix="hg-bench-"))
    try:
        state = build_store(root, args.partnerships)
        results: list[Measurement] = []
        with servers(state, root) as running:
            for kind in ("lookup", "mix"):
                for variant, distinct, unique in (("uncached", DISTINCT_UNCACHED, True),
                                                  ("repeated", DISTINCT_REPEATED, False)):
                    queries = workload(kind, distinct, args.partnerships, seed=len(kind))
                    for server in running:
                        run_wrk(server, queries, unique, args.warmup, root)
                        raw = run_wrk(server, queries, unique, args.seconds, root)
                        assert isinstance(raw, dict)
                        measurement = Measurement(
                            server.name, f"{kind} {variant}",
                            raw["requests"] / (raw["duration_us"] / 1e6),
                            raw["p50_us"] / 1000, raw["p99_us"] / 1000,
                            int(raw["non2xx"] + raw["socket_errors"]),
                        )
                        print(measurement, file=sys.stderr)
                        results.append(measurement)
        return results
    finally:
        shutil.rmtree(root, ignore_errors=True)


def markdown(results: list[Measurement], args: argparse.Namespace) -> str:
    reference = {m.workload: m for m in results if m.server.startswith("oxigraph")}
    floor = {m.workload: m for m in results if m.server.startswith("bare")}
    lines = [
        f"{args.partnerships} synthetic partnerships; wrk -t2 -c{CONCURRENCY}, "
        f"{args.seconds:g} s per cell after {args.warmup:g} s warm-up; GET, "
        "Accept: application/sparql-results+json.",
        "",
        "| workload | server | req/s | p50 ms | p99 ms | ratio to oxigraph | ratio to bare | failures |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results:
        ratio = m.requests_per_s / reference[m.workload].requests_per_s
        to_floor = m.requests_per_s / floor[m.workload].requests_per_s
        lines.append(f"| {m.workload} | {m.server} | {m.requests_per_s:,.0f} | {m.p50_ms:.2f} | "
                     f"{m.p99_ms:.2f} | {ratio:.2f} | {to_floor:.2f} | {m.failures} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    results = measure(args)
    if args.json:
        args.json.write_text(json.dumps([m.__dict__ for m in results], indent=1))
    print(markdown(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
