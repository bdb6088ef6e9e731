"""Where a partnership's facts came from beyond its source pages: the /contribute submissions
that proposed or corrected it (prov:wasDerivedFrom a submission, prov:wasGeneratedBy its
approval), with when each was submitted and approved."""

from __future__ import annotations

from dataclasses import dataclass

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.rows import text
from healthgraph.graph.store import Store
from pyoxigraph import Literal


@dataclass(frozen=True)
class SubmissionRecord:
    iri: str
    label: str
    submitted_at: str
    approved_at: str


def submissions_of(store: Store, key: str) -> list[SubmissionRecord]:
    """The submissions behind partnership `key`, oldest first."""
    rows = store.select(sparql_prefixes() + """
        SELECT ?key ?submission ?label ?submitted ?approved WHERE {
          ?p hg:key ?key ; a hg:Partnership ; prov:wasDerivedFrom ?submission .
          ?submission rdfs:label ?label ; prov:generatedAtTime ?submitted .
          OPTIONAL { ?approval prov:used ?submission ; prov:endedAtTime ?approved }
        } ORDER BY ?submitted ?submission""", {"key": Literal(key)})
    return [
        SubmissionRecord(text(row, "submission"), text(row, "label"), text(row, "submitted"),
                         text(row, "approved"))
        for row in rows
    ]
