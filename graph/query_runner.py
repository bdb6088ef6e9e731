"""Running a user's query against a store version: cached per version, checked, then run
under a deadline by the executor. Nothing here knows about HTTP.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from healthgraph.graph.executor import GraphJob, QueryExecutor, QueryJob
from healthgraph.graph.result_cache import ResultCache
from healthgraph.graph.sparql_checks import check_outbound
from healthgraph.graph.store import Bindings, Dataset, ResultFormats, SerializedResult
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

    def key_parts(self) -> list[str]:
        if self.form in ("SELECT", "ASK"):
            formats = [self.formats.solutions.media_type]
        elif self.form in ("CONSTRUCT", "DESCRIBE"):
            formats = [self.formats.graph.media_type]
        else:
            formats = [self.formats.solutions.media_type, self.formats.graph.media_type]
        return ["query", self.query, *formats, "default", *self.dataset.default_graphs,
                "named", *self.dataset.named_graphs, "base", self.base_iri or ""]


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


def graph_key(version: VersionInfo, graph: str | None, fmt: RdfFormat) -> str:
    return _digest(version, ["graph", graph or "", fmt.media_type])


class QueryRunner:
    """Answers queries from the cache or the executor; SERVICE / LOAD only to `allowed`."""

    def __init__(
        self, executor: QueryExecutor, cache: ResultCache, allowed_outbound: Collection[str] = ()
    ) -> None:
        self.executor = executor
        self.cache = cache
        self.allowed_outbound = frozenset(allowed_outbound)

    def query(
        self, version: VersionInfo, request: QueryRequest, timeout: float, key: str | None = None
    ) -> SerializedResult:
        """The serialised answer. Raises QuerySyntaxError, OutboundRequestRefused,
        QueryTimeoutError, QueryAbortedError, ResultTooLargeError, QueryFailedError."""
        key = key or query_key(version, request)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        check_outbound(request.query, self.allowed_outbound, request.base_iri)
        job = QueryJob(version.store_path, request.query, request.formats, request.dataset,
                       request.base_iri)
        result = self.executor.run(job, timeout)
        self.cache.put(key, result)
        return result

    async def query_async(
        self,
        version: VersionInfo,
        request: QueryRequest,
        timeout: float,
        key: str | None = None,
        *,
        engine: DeadlineStore | None = None,
    ) -> SerializedResult:
        """`query` on the running event loop (no thread). With `engine` (a remote SPARQL
        engine, which enforces the deadline itself and behind our client timeout) the query
        goes there instead of to the local worker processes."""
        key = key or query_key(version, request)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        check_outbound(request.query, self.allowed_outbound, request.base_iri)
        if engine is not None:
            run = functools.partial(
                engine.serialize, request.query, request.formats, dataset=request.dataset,
                timeout=timeout,
            )
            result = await asyncio.to_thread(run)
        else:
            job = QueryJob(version.store_path, request.query, request.formats, request.dataset,
                           request.base_iri)
            result = await self.executor.run_async(job, timeout)
        self.cache.put(key, result)
        return result

    async def graph_async(
        self, version: VersionInfo, graph: str | None, fmt: RdfFormat, timeout: float,
        key: str | None = None,
    ) -> SerializedResult:
        """`graph` on the running event loop (no thread)."""
        key = key or graph_key(version, graph, fmt)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = await self.executor.run_async(GraphJob(version.store_path, graph, fmt), timeout)
        self.cache.put(key, result)
        return result

    def graph(
        self, version: VersionInfo, graph: str | None, fmt: RdfFormat, timeout: float,
        key: str | None = None,
    ) -> SerializedResult:
        """One graph of the version (None: the default graph); GraphNotFoundError if absent."""
        key = key or graph_key(version, graph, fmt)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.executor.run(GraphJob(version.store_path, graph, fmt), timeout)
        self.cache.put(key, result)
        return result
