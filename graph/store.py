"""The Store interface the server talks to, and its embedded pyoxigraph implementation."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
    parse_query_results,
)
from pyoxigraph import (
    Store as OxStore,
)

Term = NamedNode | BlankNode | Literal | Triple
Bindings = Mapping[str, Term]


class QueryForm(Enum):
    SELECT = "select"
    ASK = "ask"
    CONSTRUCT = "construct"  # also DESCRIBE: both return a graph


class QuerySyntaxError(ValueError):
    """The query does not parse; the message carries the parser's position."""


class ResultTooLargeError(ValueError):
    """A serialised result grew past the byte limit it was written under."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the result is larger than {limit} bytes")
        self.limit = limit


class CappedBuffer(io.BytesIO):
    """An in-memory output that refuses to grow past `limit` bytes (the engine's serialiser
    writes into it, so an oversized result stops while it is being written)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: bytes, /) -> int:  # type: ignore[override]
        if self.tell() + memoryview(data).nbytes > self.limit:
            raise ResultTooLargeError(self.limit)
        return super().write(data)


@dataclass(frozen=True)
class Dataset:
    """A protocol-level dataset: `default-graph-uri` and `named-graph-uri` values."""

    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()


@dataclass(frozen=True)
class SerializedResult:
    form: QueryForm
    body: bytes
    media_type: str


@dataclass(frozen=True)
class ResultFormats:
    """The format to write a result in, for each query form (chosen by content negotiation)."""

    solutions: QueryResultsFormat
    graph: RdfFormat


@runtime_checkable
class Store(Protocol):
    """What the server needs from a store: queries, serialised by the engine."""

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]: ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]: ...

    def serialize(
        self,
        query: str,
        formats: ResultFormats,
        *,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
    ) -> SerializedResult: ...

    def quads(self, graph: str | None = None) -> Iterator[Quad]: ...

    def close(self) -> None: ...


class EmbeddedStore:
    """A pyoxigraph store on disk. Queries see the union of all named graphs by default."""

    def __init__(self, store: OxStore, path: Path | None = None) -> None:
        self._store = store
        self.path = path

    @classmethod
    def open_read_only(cls, path: Path) -> EmbeddedStore:
        return cls(OxStore.read_only(str(path)), path)

    @property
    def raw(self) -> OxStore:
        return self._store

    def _run(
        self,
        query: str,
        bindings: Bindings | None,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ) -> QuerySolutions | QueryBoolean | QueryTriples:
        substitutions = {Variable(name): term for name, term in (bindings or {}).items()}
        options: dict[str, object] = {}
        if dataset and (dataset.default_graphs or dataset.named_graphs):
            if dataset.default_graphs:
                options["default_graph"] = [NamedNode(iri) for iri in dataset.default_graphs]
            else:
                options["default_graph"] = [DefaultGraph()]
            options["named_graphs"] = [NamedNode(iri) for iri in dataset.named_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if base_iri:
            options["base_iri"] = base_iri
        try:
            return self._store.query(query, substitutions=substitutions or None, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        return rows(self._run(query, bindings))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise TypeError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        result = self._run(query, bindings)
        if not isinstance(result, QueryTriples):
            raise TypeError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def serialize(
        self,
        query: str,
        formats: ResultFormats,
        *,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
        max_bytes: int | None = None,
    ) -> SerializedResult:
        """Run `query` and let the engine write the result; ResultTooLargeError past
        `max_bytes`. A protocol dataset replaces the union default graph."""
        result = self._run(query, bindings, dataset, base_iri)
        output = CappedBuffer(max_bytes) if max_bytes is not None else None
        try:
            if isinstance(result, QueryTriples):
                form, media_type = QueryForm.CONSTRUCT, formats.graph.media_type
                body = _written(result.serialize(output, formats.graph), output)
            else:
                form = QueryForm.ASK if isinstance(result, QueryBoolean) else QueryForm.SELECT
                media_type = formats.solutions.media_type
                body = _written(result.serialize(output, formats.solutions), output)
        finally:
            # pyoxigraph results belong to this thread: an error's traceback must not carry
            # one to the thread that handles the error
            del result
        return SerializedResult(form, body, media_type)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        graph_name = NamedNode(graph) if graph else None
        return iter(self._store.quads_for_pattern(None, None, None, graph_name))

    def close(self) -> None:
        del self._store


def _written(returned: bytes | None, output: CappedBuffer | None) -> bytes:
    return output.getvalue() if output is not None else returned or b""


def solutions(result: QuerySolutions | QueryBoolean | QueryTriples) -> QuerySolutions:
    """The result of a query known to be a SELECT."""
    if not isinstance(result, QuerySolutions):
        raise TypeError("expected SELECT results")
    return result


def triples(result: QuerySolutions | QueryBoolean | QueryTriples) -> QueryTriples:
    """The result of a query known to be a CONSTRUCT or DESCRIBE."""
    if not isinstance(result, QueryTriples):
        raise TypeError("expected CONSTRUCT/DESCRIBE results")
    return result


def rows(result: QuerySolutions | QueryBoolean | QueryTriples) -> list[dict[str, Term]]:
    """The rows of SELECT results (unbound variables left out of a row)."""
    found = solutions(result)
    names = [variable.value for variable in found.variables]
    # a solution iterates over its values in variable order (None where unbound)
    return [
        {name: term for name, term in zip(names, solution, strict=True) if term is not None}
        for solution in found
    ]


def solution_rows(body: bytes) -> list[dict[str, Term]]:
    """The rows of SELECT results in SPARQL JSON."""
    return rows(parse_query_results(body, format=QueryResultsFormat.JSON))
