"""The SPARQL 1.1 Graph Store HTTP Protocol over store versions: one graph serialised by the
engine (read), or a named graph replaced, added to or dropped as a new version (write).

The default graph is what queries see by default: the union of every named graph, so it is
read-only; writes name their graph.
"""

from __future__ import annotations

from typing import Final

from healthgraph.graph.store import (
    CappedBuffer,
    EmbeddedStore,
    QueryForm,
    SerializedResult,
    triples,
)
from healthgraph.graph.versions import BuildOptions, VersionedStore
from pyoxigraph import NamedNode, RdfFormat, Store

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


class GraphNotFoundError(LookupError):
    """The store has no named graph with that IRI."""


def serialize_graph(
    store: EmbeddedStore, graph: str | None, fmt: RdfFormat, *, max_bytes: int | None = None
) -> SerializedResult:
    """The triples of named graph `graph` (None: the default graph) in `fmt`."""
    output = CappedBuffer(max_bytes if max_bytes is not None else 1 << 62)
    if graph is None:
        triples(store.raw.query(_UNION, use_default_graph_as_union=True)).serialize(output, fmt)
    else:
        name = NamedNode(graph)
        if not store.raw.contains_named_graph(name):
            raise GraphNotFoundError(f"there is no graph <{graph}>")
        store.raw.dump(output, fmt, from_graph=name)
    return SerializedResult(QueryForm.CONSTRUCT, output.getvalue(), fmt.media_type)


WRITABLE_FORMATS: Final = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML,
                           RdfFormat.JSON_LD, RdfFormat.N3)
"""Graph formats a Graph Store write may send (triples, not datasets)."""


class GraphDataError(ValueError):
    """The body of a Graph Store write does not parse (the parser's message and position)."""


def _parsed(body: bytes, fmt: RdfFormat, graph: str, base_iri: str | None) -> Store:
    """The body loaded into a throw-away in-memory store: checked before any copy is made."""
    parsed = Store()
    try:
        parsed.load(body, format=fmt, base_iri=base_iri or graph, to_graph=NamedNode(graph))
    except SyntaxError as error:
        raise GraphDataError(f"the {fmt.name} body does not parse: {error}") from error
    return parsed


def write_graph(
    versions: VersionedStore, options: BuildOptions, graph: str, body: bytes, fmt: RdfFormat,
    *, replace: bool, base_iri: str | None = None,
) -> bool:
    """PUT (`replace`) or POST the triples of `body` into named graph `graph`, as a new version
    switched atomically (inferred, validated). True when the graph did not exist before.
    Raises GraphDataError, ShapeViolationError."""
    name = NamedNode(graph)
    parsed = _parsed(body, fmt, graph, base_iri)
    created = False

    def change(store: Store) -> None:
        nonlocal created
        created = not store.contains_named_graph(name)
        if replace and not created:
            store.clear_graph(name)
        store.extend(parsed.quads_for_pattern(None, None, None, name))
        store.add_graph(name)  # an empty PUT still makes the graph exist

    versions.derive(change, options)
    return created


def drop_graph(versions: VersionedStore, options: BuildOptions, graph: str) -> None:
    """DELETE named graph `graph` as a new version; GraphNotFoundError if there is none."""
    name = NamedNode(graph)
    if not EmbeddedStore.open_read_only(versions.current().store_path).raw.contains_named_graph(name):
        raise GraphNotFoundError(f"there is no graph <{graph}>")

    def change(store: Store) -> None:
        if not store.contains_named_graph(name):
            raise GraphNotFoundError(f"there is no graph <{graph}>")
        store.remove_graph(name)

    versions.derive(change, options)
