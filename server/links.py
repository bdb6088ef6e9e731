"""Turning graph IRIs into links on this server, wherever it is hosted.

Every IRI under the base IRI has a local path (`{base}id/partnership/x` -> `/id/partnership/x`),
and the ontology's terms link to the ontology page (`hg:Partnership` -> `/ontology#Partnership`).
Other IRIs (source pages, Wikidata, W3C vocabularies) link to themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from healthgraph.graph.namespaces import HG, ONTOLOGY_IRI, PREFIXES
from starlette.requests import Request


@dataclass(frozen=True)
class Linker:
    """Local paths for graph IRIs, under the app's root path."""

    base_iri: str
    root_path: str = ""

    @classmethod
    def for_request(cls, request: Request, base_iri: str) -> Linker:
        return cls(base_iri, str(request.scope.get("root_path", "")).rstrip("/"))

    def path(self, local: str) -> str:
        """A path of this app ('/doc/x') under the root path it is mounted at."""
        return f"{self.root_path}{local}"

    def local(self, iri: str) -> str | None:
        """The local path of an IRI this server answers for, or None."""
        if iri.startswith(HG):
            return self.path("/ontology#" + quote(iri[len(HG):], safe=""))
        if iri == ONTOLOGY_IRI:
            return self.path("/ontology")
        if iri.startswith(self.base_iri):
            return self.path("/" + iri[len(self.base_iri):])
        return None

    def href(self, iri: str) -> str:
        """Where a link to `iri` should point: its local path, or the IRI itself."""
        return self.local(iri) or iri

    def id_path(self, iri: str) -> str | None:
        """'id/partnership/x' for a resource IRI under `{base}id/`, else None."""
        prefix = f"{self.base_iri}id/"
        return iri[len(prefix):] if iri.startswith(prefix) else None

    def doc(self, iri: str, suffix: str | None = None) -> str | None:
        """The /doc/ page of a resource IRI (with a format suffix), or None."""
        tail = self.id_path(iri)
        if tail is None:
            return None
        return self.path(f"/doc/{tail}" + (f".{suffix}" if suffix else ""))


def compact(iri: str) -> str:
    """'https://schema.org/Project' -> 'schema:Project' where a project prefix fits."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return iri
