"""The query executor: worker processes over the read-only store, killed at the deadline."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from healthgraph.graph.executor import (
    GraphJob,
    QueryAbortedError,
    QueryExecutor,
    QueryJob,
    QueryTimeoutError,
)
from healthgraph.graph.graph_store import GraphNotFoundError
from healthgraph.graph.store import QueryForm, QuerySyntaxError, ResultFormats, ResultTooLargeError
from healthgraph.graph.versions import VersionedStore, VersionInfo
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
from pyoxigraph import QueryResultsFormat, RdfFormat

JSON = ResultFormats(QueryResultsFormat.JSON, RdfFormat.TURTLE)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _job(version: VersionInfo, query: str) -> QueryJob:
    return QueryJob(version.store_path, query, JSON)


def test_results_come_back_as_engine_bytes(executor: QueryExecutor, version: VersionInfo) -> None:
    result = executor.run(_job(version, COUNT), 10)
    assert result.form is QueryForm.SELECT
    assert result.media_type == "application/sparql-results+json"
    assert f'"value":"{version.triples}"'.encode() in result.body


def test_syntax_error_keeps_the_worker(executor: QueryExecutor, version: VersionInfo) -> None:
    before = executor.pids()
    with pytest.raises(QuerySyntaxError, match="1:"):
        executor.run(_job(version, "SELECT * WHERE { ?s ?p }"), 10)
    assert executor.pids() == before


def test_graph_jobs(executor: QueryExecutor, version: VersionInfo, settings: Settings) -> None:
    graph = f"{settings.base_iri}graph/partnerships"
    named = executor.run(GraphJob(version.store_path, graph, RdfFormat.N_TRIPLES), 10)
    assert named.body.count(b"\n") == version.statistics["graphs"][graph]
    with pytest.raises(GraphNotFoundError):
        executor.run(GraphJob(version.store_path, "http://example.org/none", RdfFormat.TURTLE), 10)


def test_deadline_kills_the_worker_and_a_new_one_takes_its_place(version: VersionInfo) -> None:
    with QueryExecutor(2) as pool:
        pool.start()
        before = set(pool.pids())
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match=r"deadline of 0\.5 s"):
            pool.run(_job(version, SLOW), 0.5)
        assert time.monotonic() - started < 1.5
        survivors = set(pool.pids())
        assert len(survivors) == 1 and survivors < before
        (killed,) = before - survivors
        assert not Path(f"/proc/{killed}").exists()
        assert pool.wait_until_full(30)
        assert len(pool.pids()) == 2 and killed not in pool.pids()
        assert pool.run(_job(version, COUNT), 10).form is QueryForm.SELECT


def test_other_jobs_are_answered_while_one_burns(version: VersionInfo) -> None:
    with QueryExecutor(2) as pool:
        pool.start()
        errors: list[BaseException] = []

        def burn() -> None:
            try:
                pool.run(_job(version, SLOW), 1.5)
            except QueryTimeoutError as error:
                errors.append(error)

        thread = threading.Thread(target=burn)
        thread.start()
        time.sleep(0.2)
        for _ in range(5):
            assert pool.run(_job(version, COUNT), 2).form is QueryForm.SELECT
        assert thread.is_alive()
        thread.join()
        assert len(errors) == 1


def test_waiting_for_a_free_worker_counts_against_the_deadline(version: VersionInfo) -> None:
    with QueryExecutor(1) as pool:
        pool.start()

        def burn() -> None:
            with pytest.raises(QueryTimeoutError):
                pool.run(_job(version, SLOW), 1.5)

        thread = threading.Thread(target=burn)
        thread.start()
        time.sleep(0.2)
        with pytest.raises(QueryTimeoutError, match="no query worker became free"):
            pool.run(_job(version, COUNT), 0.3)
        thread.join()


def test_workers_follow_a_new_version(fresh_settings: Settings, executor: QueryExecutor) -> None:
    first = pipeline.build(fresh_settings, lambda _m: None)
    versions = VersionedStore(fresh_settings.state_dir)
    second = versions.derive(
        lambda store: store.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"),
        pipeline.build_options(fresh_settings),
    )
    ask = "ASK { <http://e/s> <http://e/p> <http://e/o> }"
    assert b"false" in executor.run(_job(first, ask), 10).body
    assert b"true" in executor.run(_job(second, ask), 10).body


def test_result_size_limit(version: VersionInfo) -> None:
    with QueryExecutor(1, max_result_bytes=1000) as pool, pytest.raises(ResultTooLargeError):
        pool.run(_job(version, "SELECT * WHERE { ?s ?p ?o }"), 10)


def test_memory_limit_stops_the_query(version: VersionInfo) -> None:
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    with QueryExecutor(1, memory_bytes=400_000_000) as pool:
        with pytest.raises(QueryAbortedError, match="memory limit of 400 MB"):
            pool.run(_job(version, query), 30)
        assert pool.wait_until_full(30)
        assert pool.run(_job(version, COUNT), 10).form is QueryForm.SELECT


def test_close_ends_every_worker(version: VersionInfo) -> None:
    pool = QueryExecutor(2)
    pool.start()
    pids = pool.pids()
    pool.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
