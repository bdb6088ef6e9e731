"""SPARQL Update as a new store version: copy the current one, apply, infer, validate, switch.

The version being served is never written: readers keep their snapshot, and the new version
becomes visible all at once when the CURRENT pointer switches (or not at all, if anything
fails: a syntax error, a refused LOAD, a SHACL violation).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from healthgraph.graph.sparql_checks import check_outbound, with_protocol_dataset
from healthgraph.graph.store import QuerySyntaxError
from healthgraph.graph.versions import BuildOptions, VersionedStore, VersionInfo
from pyoxigraph import Store


def check_update_syntax(update: str, base_iri: str | None) -> None:
    """QuerySyntaxError unless `update` parses (tried on an empty in-memory store first, so a
    bad update costs no copy of the store)."""
    try:
        Store().update(update, base_iri=base_iri)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from error


def apply_update(
    versions: VersionedStore,
    options: BuildOptions,
    update: str,
    *,
    base_iri: str | None = None,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    allowed_outbound: Collection[str] = (),
) -> VersionInfo:
    """Apply `update` as a new version and make it current; the new version's info.

    Raises UpdateDatasetConflict, OutboundRequestRefused, QuerySyntaxError,
    ShapeViolationError."""
    text = with_protocol_dataset(update, using, using_named)
    check_outbound(text, frozenset(allowed_outbound), base_iri)
    check_update_syntax(text, base_iri)

    def change(store: Store) -> None:
        try:
            store.update(text, base_iri=base_iri)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error

    return versions.derive(change, options)
