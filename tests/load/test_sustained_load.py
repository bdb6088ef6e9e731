"""Sustained load: 16 concurrent clients on a mixed SPARQL / GraphQL / page workload against
`healthgraph serve` (real uvicorn, 127.0.0.1) for a bounded time, with a pathological query
injected every few seconds once query deadlines exist: zero errors on the normal requests.
Latency percentiles are printed (docs/benchmarks.md, "Sustained load")."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.live_server import live_server
from tests.load.workload import percentile, run

SECONDS = min(60.0, float(os.environ.get("HEALTHGRAPH_LOAD_SECONDS", "40")))
CLIENTS = 16
HAS_DEADLINES = importlib.util.find_spec("healthgraph.graph.executor") is not None


@pytest.fixture
def served(built_state: Path, tmp_path: Path) -> Iterator[str]:
    env = {"HEALTHGRAPH_STATE_DIR": str(built_state),
           # all 16 clients share one address: the per-client budget would (rightly) refuse them
           "HEALTHGRAPH_CLIENT_REQUESTS_PER_SECOND": "0",
           "HEALTHGRAPH_CLIENT_QUERY_SECONDS_PER_MINUTE": "0"}
    with live_server(env, tmp_path / "server.log") as server:
        yield server.url


@pytest.mark.slow
def test_sixteen_clients_mixed_workload_no_errors(served: str) -> None:
    url = served
    workload = run(url, clients=CLIENTS, seconds=SECONDS,
                   inject_every=5.0 if HAS_DEADLINES else None)
    # in a thread of its own: the end-to-end tests' Playwright leaves a loop on this one
    with ThreadPoolExecutor(1) as pool:
        tally = pool.submit(asyncio.run, workload).result()
    everything = tally.all()
    report = {
        "seconds": SECONDS, "clients": CLIENTS, "requests": len(everything),
        "throughput_per_s": round(len(everything) / SECONDS, 1),
        "p50_ms": round(percentile(everything, 0.50) * 1000, 1),
        "p99_ms": round(percentile(everything, 0.99) * 1000, 1),
        **{f"{kind}_p99_ms": round(percentile(values, 0.99) * 1000, 1)
           for kind, values in tally.latencies.items()},
        "pathological": tally.pathological,
    }
    print("\nsustained load:", json.dumps(report))
    assert tally.errors == [], tally.errors[:10]
    assert len(everything) > CLIENTS * 10
    assert all(values for values in tally.latencies.values())
    if HAS_DEADLINES:
        assert tally.pathological and set(tally.pathological) <= {503}, tally.pathological
    # the server is still well and counted everything
    metrics = httpx.get(f"{url}/metrics").text
    assert "healthgraph_http_requests_total" in metrics
    assert httpx.get(f"{url}/readyz").status_code == 200
