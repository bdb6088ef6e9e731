"""A health board's "Get involved" section: its Lead Champion post, its partnerships and the
guidance documents staff are pointed to.

The Lead Champion is a post (`org:hasPost`) whose `org:role` has the key
`global-citizenship-lead-champion`; no person is named, only the role and its contact route.
The guidance is what the role's programme follows (`hg:followsGuidance`: THET Principles of
Partnership, the THET guide for new partnerships, 'Doing It Well', the framework), plus what
the WHO Twinning Partnerships for Improvement follow (the WHO TPI guides), plus whatever the
board's own partnerships follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from healthgraph.graph.iris import GSS_PATTERN, SLUG_PATTERN
from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.rows import text
from healthgraph.graph.store import Store
from pyoxigraph import Literal

LEAD_CHAMPION: Final = "global-citizenship-lead-champion"
TWINNING_PROGRAMME: Final = "who-twinning-partnerships-for-improvement"


class UnknownBoardError(LookupError):
    """No health board has this GSS code or key."""


@dataclass(frozen=True)
class Post:
    iri: str
    role: str
    role_summary: str
    contact_route: str
    programme: str


@dataclass(frozen=True)
class BoardPartnership:
    key: str
    iri: str
    label: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Guidance:
    key: str
    iri: str
    title: str
    publisher: str
    url: str
    kind: str
    summary: str


@dataclass(frozen=True)
class Board:
    iri: str
    key: str
    label: str
    gss_code: str
    kind: str
    area: str
    lead_champion: Post | None
    partnerships: list[BoardPartnership] = field(default_factory=list)
    guidance: list[Guidance] = field(default_factory=list)

    @property
    def path_key(self) -> str:
        return self.gss_code or self.key


def _key(value: str) -> Literal:
    value = value.strip()
    if not (GSS_PATTERN.match(value) or SLUG_PATTERN.match(value)):
        raise UnknownBoardError(value)
    return Literal(value)


def board(store: Store, gss_or_key: str) -> Board:
    """The board with GSS code or key `gss_or_key`; `UnknownBoardError` when there is none."""
    key = _key(gss_or_key)
    rows = store.select(sparql_prefixes() + f"""
        SELECT ?b ?key ?label ?gss ?kind ?area WHERE {{
          VALUES ?given {{ {key} }}
          ?b a hg:HealthBoard ; hg:key|hg:gssCode ?given ; hg:key ?key ; rdfs:label ?label .
          OPTIONAL {{ ?b hg:gssCode ?gss }}
          OPTIONAL {{ ?b hg:area ?area }}
          OPTIONAL {{ ?b a ?kindClass . ?kindClass rdfs:subClassOf hg:HealthBoard ;
                         rdfs:label ?kind }}
        }} LIMIT 1""")
    if not rows:
        raise UnknownBoardError(gss_or_key)
    row = rows[0]
    iri = text(row, "b")
    return Board(
        iri=iri,
        key=text(row, "key"),
        label=text(row, "label"),
        gss_code=text(row, "gss"),
        kind=text(row, "kind", "Health board"),
        area=text(row, "area"),
        lead_champion=_lead_champion(store, key),
        partnerships=_partnerships(store, key),
        guidance=_guidance(store, key),
    )


def _lead_champion(store: Store, key: Literal) -> Post | None:
    rows = store.select(sparql_prefixes() + f"""
        SELECT ?post ?roleLabel ?summary ?contact ?programmeLabel WHERE {{
          VALUES (?given ?roleKey) {{ ({key} {Literal(LEAD_CHAMPION)}) }}
          ?b a hg:HealthBoard ; hg:key|hg:gssCode ?given ; org:hasPost ?post .
          ?post org:role ?role .
          ?role hg:key ?roleKey ; rdfs:label ?roleLabel .
          OPTIONAL {{ ?role dcterms:description ?summary }}
          OPTIONAL {{ ?post hg:contactRoute ?contact }}
          OPTIONAL {{ ?role hg:programme/rdfs:label ?programmeLabel }}
        }} LIMIT 1""")
    if not rows:
        return None
    row = rows[0]
    return Post(
        iri=text(row, "post"),
        role=text(row, "roleLabel"),
        role_summary=text(row, "summary"),
        contact_route=text(row, "contact"),
        programme=text(row, "programmeLabel"),
    )


def _partnerships(store: Store, key: Literal) -> list[BoardPartnership]:
    rows = store.select(sparql_prefixes() + f"""
        SELECT ?p ?pkey ?label ?roleLabel WHERE {{
          VALUES ?given {{ {key} }}
          ?b a hg:HealthBoard ; hg:key|hg:gssCode ?given ; org:hasMembership ?m .
          ?m org:organization ?p ; org:role/rdfs:label ?roleLabel .
          ?p hg:key ?pkey ; rdfs:label ?label .
        }} ORDER BY LCASE(STR(?label)) ?roleLabel""")
    found: dict[str, BoardPartnership] = {}
    for row in rows:
        iri = text(row, "p")
        previous = found.get(iri)
        roles = (*previous.roles, text(row, "roleLabel")) if previous else (text(row, "roleLabel"),)
        found[iri] = BoardPartnership(text(row, "pkey"), iri, text(row, "label"), roles)
    return list(found.values())


def _guidance(store: Store, key: Literal) -> list[Guidance]:
    rows = store.select(sparql_prefixes() + f"""
        SELECT DISTINCT ?d ?dkey ?title ?publisher ?url ?kind ?summary WHERE {{
          VALUES (?given ?roleKey ?twinning) {{
            ({key} {Literal(LEAD_CHAMPION)} {Literal(TWINNING_PROGRAMME)})
          }}
          {{ ?role hg:key ?roleKey ; hg:programme ?subject . }}
          UNION {{ ?subject hg:key ?twinning ; a hg:Programme . }}
          UNION {{ ?b a hg:HealthBoard ; hg:key|hg:gssCode ?given ; org:hasMember ?subject . }}
          UNION {{ ?b a hg:HealthBoard ; hg:key|hg:gssCode ?given .
                  ?p org:hasMember ?b ; hg:programme ?subject . }}
          ?subject hg:followsGuidance ?d .
          ?d hg:key ?dkey ; rdfs:label ?title .
          OPTIONAL {{ ?d hg:publisherName ?publisher }}
          OPTIONAL {{ ?d schema:url ?url }}
          OPTIONAL {{ ?d hg:documentType ?kind }}
          OPTIONAL {{ ?d dcterms:description ?summary }}
        }} ORDER BY ?kind LCASE(STR(?title))""")
    found: dict[str, Guidance] = {}
    for row in rows:
        iri = text(row, "d")
        if iri in found:
            continue
        found[iri] = Guidance(
            key=text(row, "dkey"),
            iri=iri,
            title=text(row, "title"),
            publisher=text(row, "publisher"),
            url=text(row, "url"),
            kind=text(row, "kind"),
            summary=text(row, "summary"),
        )
    return list(found.values())


def boards(store: Store) -> list[tuple[str, str]]:
    """(GSS code or key, label) of every board, for links."""
    rows = store.select(sparql_prefixes() + """
        SELECT ?key ?gss ?label WHERE {
          ?b a hg:HealthBoard ; hg:key ?key ; rdfs:label ?label .
          OPTIONAL { ?b hg:gssCode ?gss }
        } ORDER BY ?label""")
    return [(text(row, "gss") or text(row, "key"), text(row, "label")) for row in rows]
