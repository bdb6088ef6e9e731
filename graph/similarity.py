"""Similar partnerships and potential collaborators, ranked by documented overlap scores.

The scores live in two named queries, so the API, the pages and anyone running the .rq file
get the same answer:

- `queries/similar-partnerships.rq`: each item two partnerships share adds its weight: a place
  6, a member organisation taking part as more than a funder 4, a theme 2, a partner country
  other than the UK nations 2, each broader theme both reach through `skos:broader` 1
  (`ontology/themes.ttl`). Places and working members weigh most: they say the two work in
  the same spot with the same people, where a shared funder or a theme like "training" says
  little.
- `queries/potential-collaborators.rq`: organisations (members, not funders) of other
  partnerships in the same partner country whose themes meet this partnership's themes, that
  this partnership does not work with; each such partnership adds 3 (same theme), 2 (a shared
  broader term) or 1 (they meet only at a top concept).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

from healthgraph.graph.iris import SLUG_PATTERN
from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.paths import shipped_dir
from healthgraph.graph.queries import NamedQuery, read_named_query
from healthgraph.graph.rows import number, text
from healthgraph.graph.store import Store
from pyoxigraph import Literal

SIMILAR_QUERY: Final = "similar-partnerships"
COLLABORATORS_QUERY: Final = "potential-collaborators"
EVIDENCE_SEPARATOR: Final = " | "


class UnknownPartnershipError(LookupError):
    """No partnership has this key."""


@dataclass(frozen=True)
class SimilarPartnership:
    key: str
    iri: str
    label: str
    score: int
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Collaborator:
    iri: str
    key: str
    label: str
    kind: str
    score: int
    partnerships: int
    evidence: tuple[str, ...]


@functools.cache
def named_query(name: str) -> NamedQuery:
    """One of the shipped named queries (the scores are part of the code, not a setting)."""
    return read_named_query(shipped_dir("queries") / f"{name}.rq")


def _checked_key(store: Store, key: str) -> Literal:
    key = key.strip()
    if not SLUG_PATTERN.match(key):
        raise UnknownPartnershipError(key)
    literal = Literal(key)
    exists = store.ask(sparql_prefixes() + "ASK { ?p hg:key ?key ; a hg:Partnership }",
                       {"key": literal})
    if not exists:
        raise UnknownPartnershipError(key)
    return literal


def _evidence(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in value.split(EVIDENCE_SEPARATOR) if item))


def similar(store: Store, key: str, limit: int = 10) -> list[SimilarPartnership]:
    """The partnerships most like partnership `key`, best first (`UnknownPartnershipError`)."""
    literal = _checked_key(store, key)
    rows = store.select(named_query(SIMILAR_QUERY).text, {"partnership": literal})
    return [
        SimilarPartnership(
            key=text(row, "similarKey"),
            iri=text(row, "similar"),
            label=text(row, "label"),
            score=number(row, "score"),
            evidence=_evidence(text(row, "evidence")),
        )
        for row in rows[:limit]
    ]


def potential_collaborators(store: Store, key: str, limit: int = 10) -> list[Collaborator]:
    """Organisations active in the same country and theme that partnership `key` does not
    yet work with, best first."""
    literal = _checked_key(store, key)
    rows = store.select(named_query(COLLABORATORS_QUERY).text, {"partnership": literal})
    return [
        Collaborator(
            iri=text(row, "organisation"),
            key=text(row, "organisationKey"),
            label=text(row, "organisationLabel"),
            kind=text(row, "kind"),
            score=number(row, "score"),
            partnerships=number(row, "partnerships"),
            evidence=_evidence(text(row, "evidence")),
        )
        for row in rows[:limit]
    ]


def label_of(store: Store, key: str) -> str:
    """The name of partnership `key` (`UnknownPartnershipError`)."""
    literal = _checked_key(store, key)
    rows = store.select(sparql_prefixes() + """
        SELECT ?key ?label WHERE { ?p hg:key ?key ; a hg:Partnership ; rdfs:label ?label }
        LIMIT 1""", {"key": literal})
    return text(rows[0], "label") if rows else key
