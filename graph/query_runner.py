"""Running a user's query against a store version: cached per version, checked, then run
in the server process when it is provably cheap (`query_bounds`), else under a deadline by the
executor or the remote engine. Nothing here knows about HTTP.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final, Protocol

from healthgraph.graph.executor import GraphJob, QueryExecutor, QueryFailedError, QueryJob
from healthgraph.graph.ntriples import term_text
from healthgraph.graph.query_bounds import Anchor, anchored_patterns, solution_bound
from healthgraph.graph.result_cache import ResultCache
from healthgraph.graph.sparql_checks import check_outbound
from healthgraph.graph.store import (
    Bindings,
    Dataset,
    EmbeddedStore,
    QuerySyntaxError,
    ResultFormats,
    ResultTooLargeError,
    SerializedResult,
)
from healthgraph.graph.versions import VersionInfo
from pyoxigraph import RdfFormat


class DeadlineStore(Protocol):
    """A store that runs a query under a deadline of its own (a remote SPARQL engine)."""

    def serialize(
        self,
        query: str,
        formats: ResultFormats,
        *,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> SerializedResult: ...


@dataclass(frozen=True)
class QueryRequest:
    """A query as the protocol gives it, with the formats content negotiation chose."""

    query: str
    formats: ResultFormats
    form: str | None = None
    """SELECT, ASK, CONSTRUCT, DESCRIBE (from `sparql_form.query_form`) or None if unknown."""
    dataset: Dataset = field(default_factory=Dataset)
    base_iri: str | None = None
    bindings: Bindings | None = None
    """Values for variables (a named query's parameters), substituted by the engine."""

    def key_parts(self) -> list[str]:
        if self.form in ("SELECT", "ASK"):
            formats = [self.formats.solutions.media_type]
        elif self.form in ("CONSTRUCT", "DESCRIBE"):
            formats = [self.formats.graph.media_type]
        else:
            formats = [self.formats.solutions.media_type, self.formats.graph.media_type]
        bound = [part for name, term in sorted((self.bindings or {}).items())
                 for part in (name, term_text(term))]
        return ["query", self.query, *formats, "default", *self.dataset.default_graphs,
                "named", *self.dataset.named_graphs, "base", self.base_iri or "",
                "bindings", *bound]


def _digest(version: VersionInfo, parts: list[str]) -> str:
    digest = hashlib.sha256(version.id.encode("utf-8"))
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def query_key(version: VersionInfo, request: QueryRequest) -> str:
    """A key that is the same exactly when the answer is: version, query, formats, dataset."""
    return _digest(version, request.key_parts())


def _job(version: VersionInfo, request: QueryRequest) -> QueryJob:
    return QueryJob(version.store_path, request.query, request.formats, request.dataset,
                    request.base_iri, request.bindings)


def graph_key(version: VersionInfo, graph: str | None, fmt: RdfFormat) -> str:
    return _digest(version, ["graph", graph or "", fmt.media_type])


INLINE_SOLUTIONS: Final = 1_000
"""Queries with at most this many solutions, proven from their text (`query_bounds`), are
answered in the server process instead of a worker."""
COUNTS_REMEMBERED: Final = 200_000
"""Pattern counts kept for the current version (about 100 bytes each)."""


class QueryRunner:
    """Answers queries from the cache, in process when provably cheap, or by the executor
    under the deadline; SERVICE / LOAD only to `allowed`. `answers` counts each way."""

    def __init__(
        self,
        executor: QueryExecutor,
        cache: ResultCache[SerializedResult],
        allowed_outbound: Collection[str] = (),
        *,
        inline_solutions: int = INLINE_SOLUTIONS,
    ) -> None:
        self.executor = executor
        self.cache = cache
        self.allowed_outbound = frozenset(allowed_outbound)
        self.inline_solutions = inline_solutions
        self.answers: Counter[str] = Counter()
        self._counted: dict[Anchor, int] = {}
        self._counted_version = ""

    async def query_async(
        self,
        version: VersionInfo,
        request: QueryRequest,
        timeout: float,
        key: str | None = None,
        *,
        local: EmbeddedStore | None = None,
        engine: DeadlineStore | None = None,
    ) -> SerializedResult:
        """The serialised answer, on the running event loop. With `local` (the version's store,
        open in this process) a query whose solutions are provably few runs right here;
        with `engine` (a remote SPARQL engine, which enforces the deadline itself and behind
        our client timeout) the query goes there; otherwise to the worker processes.
        Raises QuerySyntaxError, OutboundRequestRefused, QueryTimeoutError,
        QueryAbortedError, ResultTooLargeError, QueryFailedError."""
        key = key or query_key(version, request)
        result = self._without_running(key, version, request, local)
        if result is not None:
            return result
        if engine is not None:
            run = functools.partial(
                engine.serialize, request.query, request.formats, bindings=request.bindings,
                dataset=request.dataset, timeout=timeout, base_iri=request.base_iri,
            )
            result = await asyncio.to_thread(run)
            self.answers["engine"] += 1
        else:
            result = await self.executor.run_async(_job(version, request), timeout)
            self.answers["worker"] += 1
        self.cache.put(key, result)
        return result

    def query(
        self, version: VersionInfo, request: QueryRequest, timeout: float, *, local: EmbeddedStore
    ) -> SerializedResult:
        """`query_async` for a caller on a thread of its own, over an embedded version: the
        cache, in process when provably cheap, else a worker under the deadline (this thread
        waits). Raises what `query_async` raises."""
        key = query_key(version, request)
        result = self._without_running(key, version, request, local)
        if result is None:
            result = self.executor.run(_job(version, request), timeout)
            self.answers["worker"] += 1
            self.cache.put(key, result)
        return result

    def _without_running(
        self, key: str, version: VersionInfo, request: QueryRequest, local: EmbeddedStore | None
    ) -> SerializedResult | None:
        """The answer from the cache or, when provably cheap, from `local` in this process;
        None when the query has to run under a deadline. Refuses outbound requests."""
        cached = self.cache.get(key)
        if cached is not None:
            self.answers["cache"] += 1
            return cached
        check_outbound(request.query, self.allowed_outbound, request.base_iri)
        result = self._in_process(local, version, request) if local is not None else None
        if result is not None:
            self.answers["in_process"] += 1
            self.cache.put(key, result)
        return result

    def _in_process(
        self, store: EmbeddedStore, version: VersionInfo, request: QueryRequest
    ) -> SerializedResult | None:
        """The answer when the query's solutions are provably at most `inline_solutions`,
        else None. Errors are those a worker would report."""
        anchors = anchored_patterns(request.query)
        if anchors is None:
            return None
        if self._counted_version != version.id or len(self._counted) > COUNTS_REMEMBERED:
            self._counted = {}
            self._counted_version = version.id
        if solution_bound(store.raw, anchors, self.inline_solutions, self._counted) is None:
            return None
        try:
            # few solutions: written at once, its size checked after
            result = store.serialize(request.query, request.formats, bindings=request.bindings,
                                     dataset=request.dataset, base_iri=request.base_iri)
        except QuerySyntaxError:
            raise
        except Exception as error:  # as the worker reports it
            raise QueryFailedError(f"{type(error).__name__}: {error}") from error
        if len(result.body) > self.executor.max_result_bytes:
            raise ResultTooLargeError(self.executor.max_result_bytes)
        return result

    async def graph_async(
        self, version: VersionInfo, graph: str | None, fmt: RdfFormat, timeout: float,
        key: str | None = None,
    ) -> SerializedResult:
        """One graph of the version (None: the default graph) on the running event loop;
        GraphNotFoundError if absent."""
        key = key or graph_key(version, graph, fmt)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = await self.executor.run_async(GraphJob(version.store_path, graph, fmt), timeout)
        self.cache.put(key, result)
        return result
