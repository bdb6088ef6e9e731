"""The read side of the SPARQL 1.1 Graph Store HTTP Protocol: one graph, serialised by the engine.

The default graph is what queries see by default: the union of every named graph.
"""

from __future__ import annotations

from healthgraph.graph.store import (
    CappedBuffer,
    EmbeddedStore,
    QueryForm,
    SerializedResult,
    triples,
)
from pyoxigraph import NamedNode, RdfFormat

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
