"""The query runner: cache, in-process answers for provably cheap queries, workers for the rest.
The same queries, answered both ways, give the same bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from healthgraph.graph.executor import QueryExecutor, QueryTimeoutError
from healthgraph.graph.query_runner import QueryRequest, QueryRunner
from healthgraph.graph.result_cache import ResultCache
from healthgraph.graph.store import (
    EmbeddedStore,
    QuerySyntaxError,
    ResultFormats,
    ResultTooLargeError,
    SerializedResult,
)
from healthgraph.graph.versions import VersionInfo
from healthgraph.server.settings import Settings
from pyoxigraph import QueryResultsFormat, RdfFormat

FORMATS = [
    ResultFormats(QueryResultsFormat.JSON, RdfFormat.TURTLE),
    ResultFormats(QueryResultsFormat.XML, RdfFormat.N_TRIPLES),
    ResultFormats(QueryResultsFormat.CSV, RdfFormat.JSON_LD),
    ResultFormats(QueryResultsFormat.TSV, RdfFormat.RDF_XML),
]
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def local(version: VersionInfo) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore.open_read_only(version.store_path)
    yield store
    store.close()


def _runner(executor: QueryExecutor) -> QueryRunner:
    return QueryRunner(executor, ResultCache(0))  # no cache: every query is answered afresh


def _answer(runner: QueryRunner, version: VersionInfo, query: str, formats: ResultFormats,
            local: EmbeddedStore | None, timeout: float = 10) -> SerializedResult:
    """The answer on an event loop of its own thread (other tests may leave one running in
    the main thread)."""
    request = QueryRequest(query, formats)
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(
            asyncio.run, runner.query_async(version, request, timeout, local=local)).result()


def _lookups(settings: Settings) -> list[str]:
    base = settings.base_iri
    country = f"<{base}id/country/mw>"
    return [
        f"SELECT ?p ?o WHERE {{ {country} ?p ?o }} ORDER BY ?p ?o",
        f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l {{ {country} rdfs:label "
        f"?l FILTER(lang(?l) = '' || langMatches(lang(?l), 'en')) }}",
        f"ASK {{ {country} a ?type }}",
        f"CONSTRUCT {{ {country} ?p ?o }} WHERE {{ {country} ?p ?o }}",
        f"SELECT ?o ?o2 {{ {country} ?p ?o OPTIONAL {{ <{base}id/country/zm> ?p ?o2 }} }} "
        f"ORDER BY ?o ?o2 LIMIT 20",
    ]


@pytest.mark.parametrize("formats", FORMATS, ids=lambda f: f.solutions.name)
def test_cheap_queries_give_the_workers_bytes_in_process(
    executor: QueryExecutor, version: VersionInfo, local: EmbeddedStore, settings: Settings,
    formats: ResultFormats,
) -> None:
    runner = _runner(executor)
    for query in _lookups(settings):
        here = _answer(runner, version, query, formats, local)
        there = _answer(runner, version, query, formats, None)
        assert (here.form, here.media_type) == (there.form, there.media_type), query
        if formats.graph is RdfFormat.JSON_LD or formats.graph is RdfFormat.RDF_XML:
            assert len(here.body) == len(there.body), query  # same triples, order may vary
        else:
            assert here.body == there.body, query
    assert runner.answers["in_process"] == len(_lookups(settings))
    assert runner.answers["worker"] == len(_lookups(settings))


def test_a_lookup_has_rows(executor: QueryExecutor, version: VersionInfo, local: EmbeddedStore,
                           settings: Settings) -> None:
    result = _answer(_runner(executor), version, _lookups(settings)[0], FORMATS[0], local)
    assert result.body.count(b'"p":') > 3


def test_unbounded_queries_go_to_a_worker_and_meet_the_deadline(
    executor: QueryExecutor, version: VersionInfo, local: EmbeddedStore
) -> None:
    runner = _runner(executor)
    with pytest.raises(QueryTimeoutError):
        _answer(runner, version, CROSS_JOIN, FORMATS[0], local, timeout=0.5)
    assert runner.answers == {}  # the timed-out query counted nowhere
    _answer(runner, version, "SELECT * { ?s ?p ?o } LIMIT 1", FORMATS[0], local)
    assert runner.answers == {"worker": 1}


def test_errors_in_process_are_the_workers_errors(
    version: VersionInfo, local: EmbeddedStore, settings: Settings
) -> None:
    country = f"<{settings.base_iri}id/country/mw>"
    with QueryExecutor(1, max_result_bytes=200) as small:
        runner = _runner(small)
        with pytest.raises(ResultTooLargeError):
            _answer(runner, version, f"SELECT * {{ {country} ?p ?o }}", FORMATS[0], local)
        # read as two patterns by the bound (no '.'), refused by the engine's parser
        with pytest.raises(QuerySyntaxError):
            _answer(runner, version, f"SELECT * {{ {country} ?p ?o {country} ?q ?r }}",
                    FORMATS[0], local)
        assert runner.answers == {}


def test_a_bound_over_the_limit_goes_to_a_worker(
    executor: QueryExecutor, version: VersionInfo, local: EmbeddedStore, settings: Settings
) -> None:
    country = f"<{settings.base_iri}id/country/mw>"
    runner = QueryRunner(executor, ResultCache(0), inline_solutions=3)
    _answer(runner, version, f"SELECT * {{ {country} ?p ?o }}", FORMATS[0], local)
    assert runner.answers == {"worker": 1}


def test_repeated_queries_come_from_the_cache(
    executor: QueryExecutor, version: VersionInfo, local: EmbeddedStore, settings: Settings
) -> None:
    runner = QueryRunner(executor, ResultCache(1_000_000))
    query = _lookups(settings)[0]
    first = _answer(runner, version, query, FORMATS[0], local)
    assert _answer(runner, version, query, FORMATS[0], local) == first
    assert runner.answers == {"in_process": 1, "cache": 1}
