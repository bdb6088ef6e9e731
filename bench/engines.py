"""The app on each backend at one size: embedded, `oxigraph serve` and Virtuoso.

    python bench/engines.py --state /tmp/b11/state --label 100k --out bench/results/engines-100k.json

For a built state directory (`healthgraph load`), starts a throw-away `oxigraph serve` and a
throw-away Virtuoso (tests/virtuoso_server.py: its own directory, loopback ports, a Digest
writer, --virtuoso-buffers pages of cache), times publishing the current version to each
(`RemoteVersions.publish`: chunked Graph Store POSTs per graph, the pointer switch, then
dropping old versions: the remote "load time"), then runs bench/queries.py's query mix
through `healthgraph serve` (1 worker, result cache and client budgets off) on each backend,
/sparql, median of --repeat runs after a warm-up. Everything on 127.0.0.1; every process
started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queries import BIN, MIX, free_port, measure, wait_for
from tests.virtuoso_server import WRITER
from tests.virtuoso_server import start as start_virtuoso


def publish(state: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", (
        "import sys, time; from healthgraph.server import pipeline;"
        "from healthgraph.server.settings import Settings;"
        "from healthgraph.graph.versions import VersionedStore;"
        "s = Settings.from_env(); t = time.monotonic();"
        "say = lambda m: print(f'[{time.monotonic() - t:7.1f}s] {m}', file=sys.stderr, flush=True);"
        "pipeline.remote_versions(s).publish(VersionedStore(s.state_dir).current(), say)")],
        env=env, check=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000,
                        help="Virtuoso NumberOfBuffers (8 kB pages; 170000 = 1.3 GB)")
    args = parser.parse_args(argv)
    base = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(args.state), "HEALTHGRAPH_QUERY_TIMEOUT": "120",
            "HEALTHGRAPH_MAX_QUERY_TIMEOUT": "300", "HEALTHGRAPH_BUILD_DUMPS": "false",
            "HEALTHGRAPH_RESULT_CACHE_BYTES": "0", "HEALTHGRAPH_CLIENT_REQUESTS_PER_SECOND": "0",
            "HEALTHGRAPH_CLIENT_QUERY_SECONDS_PER_MINUTE": "0", "HEALTHGRAPH_LOG_FORMAT": "text"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes: list[subprocess.Popen[bytes]] = []
    results: dict[str, object] = {"label": args.label, "publish_seconds": {}, "servers": {}}
    virtuoso = None
    try:
        port = free_port()
        engine_dir = args.state.parent / f"{args.state.name}-oxigraph"
        processes.append(subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(engine_dir), "--bind", f"127.0.0.1:{port}"],
            **quiet))  # type: ignore[call-overload]
        wait_for(f"http://127.0.0.1:{port}/query", processes[-1])
        virtuoso_dir = args.state.parent / f"{args.state.name}-virtuoso"
        virtuoso_dir.mkdir(exist_ok=True)
        virtuoso = start_virtuoso(virtuoso_dir, buffers=args.virtuoso_buffers)
        user, password = WRITER
        backends = {
            "embedded": {},
            "oxigraph": {"HEALTHGRAPH_STORE": f"http://127.0.0.1:{port}/"},
            "virtuoso": {
                "HEALTHGRAPH_STORE": virtuoso.root, "HEALTHGRAPH_STORE_ENGINE": "virtuoso",
                "HEALTHGRAPH_STORE_UPDATE_AUTH": "digest", "HEALTHGRAPH_STORE_GRAPH_AUTH": "digest",
                "HEALTHGRAPH_STORE_USER": user, "HEALTHGRAPH_STORE_PASSWORD": password,
            },
        }
        for name, extra in backends.items():
            env = {**base, **extra}
            if extra:
                seconds = publish(args.state, env)
                results["publish_seconds"][name] = seconds  # type: ignore[index]
                print(f"{args.label} publish to {name}: {seconds:.1f} s", file=sys.stderr)
            app_port = free_port()
            app = subprocess.Popen([str(BIN / "healthgraph"), "serve", "--port", str(app_port)],
                                   env=env, **quiet)  # type: ignore[call-overload]
            processes.append(app)
            url = f"http://127.0.0.1:{app_port}/sparql"
            wait_for(url, app)
            timings: dict[str, object] = {}
            for query_name, query in MIX.items():
                timings[query_name] = measure(url, query, args.repeat, args.timeout)
                print(f"{args.label} {name:10} {query_name:22} {timings[query_name]}", file=sys.stderr)
            results["servers"][name] = timings  # type: ignore[index]
            app.terminate()
            app.wait(timeout=30)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if virtuoso is not None:
            virtuoso.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
