"""The Store interface over one embedded version, every query under the deadline.

For callers that compile their own SPARQL from a request (GraphQL): a query is answered as
`/sparql` answers it (`QueryRunner`): from the cache, in this process when it provably has
few solutions, else in a worker process that is killed at the deadline. The answer comes
back as SPARQL JSON or N-Triples written by the engine and is read back into terms here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from healthgraph.graph.query_runner import QueryRequest, QueryRunner
from healthgraph.graph.store import (
    Bindings,
    Dataset,
    EmbeddedStore,
    ResultFormats,
    SerializedResult,
    Term,
    solution_rows,
)
from healthgraph.graph.versions import VersionInfo
from pyoxigraph import Quad, QueryBoolean, QueryResultsFormat, RdfFormat, Triple, parse, parse_query_results

FORMATS: Final = ResultFormats(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES)


class GuardedStore:
    """`store` (the version's, open in this process) with every query run by `runner`
    under `timeout` seconds."""

    def __init__(self, runner: QueryRunner, version: VersionInfo, store: EmbeddedStore,
                 timeout: float) -> None:
        self.runner = runner
        self.version = version
        self.store = store
        self.timeout = timeout

    def _answer(self, query: str, formats: ResultFormats, bindings: Bindings | None,
                dataset: Dataset | None = None) -> SerializedResult:
        request = QueryRequest(query, formats, dataset=dataset or Dataset(), bindings=bindings)
        return self.runner.query(self.version, request, self.timeout, local=self.store)

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        return solution_rows(self._answer(query, FORMATS, bindings).body)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = parse_query_results(self._answer(query, FORMATS, bindings).body,
                                     format=QueryResultsFormat.JSON)
        if not isinstance(result, QueryBoolean):
            raise TypeError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        body = self._answer(query, FORMATS, bindings).body
        return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)]

    def serialize(
        self,
        query: str,
        formats: ResultFormats,
        *,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
    ) -> SerializedResult:
        return self._answer(query, formats, bindings, dataset)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        return self.store.quads(graph)

    def close(self) -> None:
        """The store belongs to the version's snapshot, which closes it."""
