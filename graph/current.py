"""One read-only view of the current store version, reopened when the version changes.

Works over any `VersionSource`: the versions in a local state directory (`VersionedStore`,
embedded pyoxigraph) or those published on a SPARQL engine (`RemoteVersions`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from healthgraph.graph import ntriples as nt
from healthgraph.graph.search_index import SearchIndex
from healthgraph.graph.store import Store
from healthgraph.graph.text_index import TextIndex, expand_text_search, open_text_index
from healthgraph.graph.versions import VersionInfo
from pyoxigraph import Literal, NamedNode

_FALLBACK_SEARCH = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s WHERE {
  ?s rdfs:label ?label . FILTER(isIRI(?s))
  OPTIONAL { ?s dcterms:description ?description }
  FILTER(CONTAINS(LCASE(STR(?label)), %s)
         || CONTAINS(LCASE(STR(COALESCE(?description, ""))), %s))
} ORDER BY STR(?label) ?s LIMIT %d OFFSET %d
"""


def _text(term: object) -> str:
    """The IRI or lexical form of a result term."""
    if isinstance(term, NamedNode | Literal):
        return term.value
    raise TypeError(f"expected an IRI or a literal, got {term!r}")


def contains_query(text: str, limit: int, offset: int) -> str:
    """The SPARQL the text index answers (and replaces): see `healthgraph.graph.text_index`."""
    needle = nt.literal(text.lower())
    return _FALLBACK_SEARCH % (needle, needle, limit, offset)


class VersionSource(Protocol):
    """Where versions come from: which one is current, and a store opened on one."""

    def pointer_stamp(self) -> object: ...

    def current(self) -> VersionInfo: ...

    def open(self, version: VersionInfo) -> Store: ...


@dataclass(frozen=True)
class Snapshot:
    """A version and a store opened on it: everything one request reads comes from here."""

    version: VersionInfo
    store: Store
    text_index: TextIndex | None = field(default=None, compare=False)

    @property
    def search_index(self) -> SearchIndex | None:
        """The partnership search's tables (in the text index file), if the version has them."""
        return SearchIndex(self.text_index.path) if self.text_index is not None else None

    def search(self, text: str, limit: int = 50, offset: int = 0) -> list[str]:
        """IRIs of resources whose label or description contains `text`, in label order
        (the version's text index; a SPARQL CONTAINS scan where there is none)."""
        if self.text_index is not None:
            return self.text_index.search(text, limit, offset)
        rows = self.store.select(contains_query(text, limit, offset))
        return [_text(row["s"]) for row in rows]

    def expand(self, query: str) -> str:
        """The query with `?x hg:textSearch "..."` patterns answered from the text index."""
        return expand_text_search(query, self.text_index)


class CurrentVersion:
    """Follows the current-version pointer; a request holds its snapshot even if a switch happens."""

    def __init__(self, versions: VersionSource) -> None:
        self.versions = versions
        self._lock = threading.Lock()
        self._stamp: object = -1
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        stamp = self.versions.pointer_stamp()
        snapshot = self._snapshot
        if snapshot is not None and stamp == self._stamp:
            return snapshot
        with self._lock:
            if self._snapshot is None or stamp != self._stamp:
                version = self.versions.current()
                if self._snapshot is None or self._snapshot.version.id != version.id:
                    self._snapshot = Snapshot(
                        version,
                        self.versions.open(version),
                        open_text_index(version.text_index_path),
                    )
                self._stamp = stamp
            return self._snapshot
