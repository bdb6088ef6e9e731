"""Real deadlines: over a store of more than 100k triples, each runaway query is stopped within
its deadline + 1 s with a 503 that names the deadline; its worker process is killed (the CPU
goes idle again), and a trivial query is answered while it burns. Against a real uvicorn."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

from tests.live_server import LiveServer, child_pids, cpu_seconds, live_server

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 2.0
SYNTHETIC_TRIPLES = 100_000
RUNAWAY_QUERIES = [
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?a { ?a ?p ?o . ?b ?p ?o2 } ORDER BY ?o2 LIMIT 1",
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }",
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f FILTER EXISTS { ?a ?b ?f } }",
    "SELECT (COUNT(*) AS ?n) { ?a ?p ?o . ?b ?p ?o2 . ?c ?p ?o3 }",
]
TRIVIAL = "ASK { ?s ?p ?o }"
pytestmark = pytest.mark.slow


def write_synthetic(path: Path, triples: int) -> None:
    """Deterministic filler: `triples` statements over ten predicates."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(triples):
            handle.write(f'<http://example.org/s{i}> <http://example.org/p{i % 10}> "v{i}" .\n')


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("deadlines")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    write_synthetic(data / "synthetic.nt", SYNTHETIC_TRIPLES)
    settings = Settings(state_dir=root / "state", data_dir=data)
    info = pipeline.build(settings, lambda _message: None)
    assert info.triples > SYNTHETIC_TRIPLES
    env = {
        "HEALTHGRAPH_STATE_DIR": str(settings.state_dir),
        "HEALTHGRAPH_DATA_DIR": str(data),
        "HEALTHGRAPH_QUERY_TIMEOUT": str(DEADLINE),
        "HEALTHGRAPH_QUERY_WORKERS": "2",
    }
    with live_server(env, root / "server.log") as server:
        yield server


def _workers(server: LiveServer) -> list[int]:
    return child_pids(server.pid)


def _wait_for_workers(server: LiveServer, count: int, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _workers(server)
        if len(workers) == count:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"expected {count} query workers, have {_workers(server)}")


def _busiest(pids: list[int], interval: float = 0.4) -> tuple[int, float]:
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(interval)
    used = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
    pid = max(used, key=lambda p: used[p])
    return pid, used[pid]


def _tree_cpu(server: LiveServer) -> float:
    return sum(cpu_seconds(pid) for pid in [server.pid, *_workers(server)])


@pytest.mark.parametrize("query", RUNAWAY_QUERIES)
def test_runaway_query_is_stopped_at_its_deadline(big_server: LiveServer, query: str) -> None:
    with httpx.Client(base_url=big_server.url, timeout=30) as http:
        assert http.get("/sparql", params={"query": TRIVIAL}).status_code == 200  # pool is up
        workers = _wait_for_workers(big_server, 2)
        outcome: dict[str, object] = {}

        def runaway() -> None:
            with httpx.Client(base_url=big_server.url, timeout=30) as own:
                started = time.monotonic()
                response = own.get("/sparql", params={"query": query})
                outcome["elapsed"] = time.monotonic() - started
                outcome["response"] = response

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        hot, used = _busiest(workers)
        assert used > 0.04, "the runaway query should be burning a worker's CPU"

        meanwhile = http.get("/sparql", params={"query": TRIVIAL + " # meanwhile"})
        assert meanwhile.status_code == 200 and meanwhile.json()["boolean"] is True
        assert thread.is_alive(), "the trivial query was answered while the runaway one ran"

        thread.join(timeout=DEADLINE + 10)
        response = outcome["response"]
        assert isinstance(response, httpx.Response)
        assert response.status_code == 503, response.text[:300]
        assert f"deadline of {DEADLINE:g} s" in response.json()["message"]
        elapsed = outcome["elapsed"]
        assert isinstance(elapsed, float) and elapsed <= DEADLINE + 1.0

        assert not Path(f"/proc/{hot}").exists(), "the killed worker's process is gone"
        replacement = _wait_for_workers(big_server, 2)
        assert hot not in replacement
        time.sleep(0.3)  # let the replacement finish starting
        before = _tree_cpu(big_server)
        time.sleep(1.0)
        assert _tree_cpu(big_server) - before < 0.3, "the server's CPU is idle again"


def test_timeout_parameter_shortens_the_deadline(big_server: LiveServer) -> None:
    with httpx.Client(base_url=big_server.url, timeout=30) as http:
        started = time.monotonic()
        response = http.get("/sparql", params={"query": RUNAWAY_QUERIES[3], "timeout": "0.5"})
        assert response.status_code == 503
        assert "deadline of 0.5 s" in response.json()["message"]
        assert time.monotonic() - started < 0.5 + 1.0
        _wait_for_workers(big_server, 2)
