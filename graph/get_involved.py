"""A board's "Get involved" page: what graph/boards.py says about the board (its Lead Champion
post and contact route, its partnerships, the guidance to read first) plus the programmes and
funds that pay for such work, those behind the board's own partnerships first."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthgraph.graph.boards import Board, board
from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.rows import number, text
from healthgraph.graph.store import Store
from pyoxigraph import NamedNode


@dataclass(frozen=True)
class Programme:
    key: str
    iri: str
    label: str
    summary: str
    url: str
    funders: tuple[str, ...]
    partnerships: int
    funds_this_board: bool


@dataclass(frozen=True)
class GetInvolved:
    board: Board
    programmes: list[Programme] = field(default_factory=list)


_PROGRAMMES = """
SELECT ?board ?programme ?key ?label ?summary ?url
       (GROUP_CONCAT(DISTINCT STR(?funderName); separator=" | ") AS ?funders)
       (COUNT(DISTINCT ?p) AS ?partnerships) (MAX(?mine) AS ?ours)
WHERE {
  ?programme a hg:Programme ; hg:key ?key ; rdfs:label ?label .
  FILTER EXISTS { ?programme schema:funder|hg:funderName ?anyFunder }
  OPTIONAL { ?programme hg:funderName ?funderName }
  OPTIONAL { ?programme dcterms:description ?summary }
  OPTIONAL { ?programme foaf:homepage ?url }
  OPTIONAL {
    ?p hg:programme ?programme .
    OPTIONAL { ?p org:hasMember ?board . BIND(1 AS ?found) }
    BIND(COALESCE(?found, 0) AS ?mine)
  }
}
GROUP BY ?programme ?key ?label ?summary ?url ?board
ORDER BY DESC(?ours) DESC(?partnerships) LCASE(STR(?label))
"""


def programmes(store: Store, board_iri: str) -> list[Programme]:
    """Programmes and funds that pay for partnership work; those funding the board's own
    partnerships first, then by how many partnerships they fund."""
    rows = store.select(
        sparql_prefixes() + _PROGRAMMES,
        {"board": NamedNode(board_iri)},  # substituted: ?board is projected
    )
    return [
        Programme(
            key=text(row, "key"),
            iri=text(row, "programme"),
            label=text(row, "label"),
            summary=text(row, "summary"),
            url=text(row, "url"),
            funders=tuple(f for f in text(row, "funders").split(" | ") if f),
            partnerships=number(row, "partnerships"),
            funds_this_board=number(row, "ours") > 0,
        )
        for row in rows
    ]


def get_involved(store: Store, gss_or_key: str) -> GetInvolved:
    """Everything a member of staff of the board needs to start (`UnknownBoardError`)."""
    found = board(store, gss_or_key)
    return GetInvolved(board=found, programmes=programmes(store, found.iri))
