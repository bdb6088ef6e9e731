"""What the map draws: partnerships per country, Scottish institutions as points, and the
links of one partnership (from its Scottish members to its partner countries).

Scotland is not a separate shape in Natural Earth's 1:110m countries, and the graph has no
coordinates, so Scottish institutions are placed at their town (`hg:city`) or, for boards,
their area, using the small gazetteer below: approximate town centres, for drawing only.
Institutions with neither are drawn at one "Scotland, place not recorded" point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.rows import number, text
from healthgraph.graph.store import Store
from pyoxigraph import Literal

SCOTLAND: Final = "GB-SCT"
UNPLACED: Final = "Scotland, place not recorded"

GAZETTEER: Final[dict[str, tuple[float, float]]] = {
    # town or board area: (latitude, longitude), approximate centre
    "Aberdeen": (57.15, -2.09),
    "Ayr": (55.46, -4.63),
    "Bishopbriggs": (55.91, -4.22),
    "Dumfries": (55.07, -3.61),
    "Dundee": (56.46, -2.97),
    "Edinburgh": (55.95, -3.19),
    "Glasgow": (55.86, -4.25),
    "Hamilton": (55.78, -4.04),
    "Inverness": (57.48, -4.22),
    "Kirkcaldy": (56.11, -3.16),
    "Kirkintilloch": (55.94, -4.15),
    "Kirkwall": (58.98, -2.96),
    "Lerwick": (60.15, -1.15),
    "Melrose": (55.60, -2.72),
    "Penicuik": (55.83, -3.22),
    "Perth": (56.40, -3.44),
    "Paisley": (55.85, -4.42),
    "St Andrews": (56.34, -2.80),
    "Stirling": (56.12, -3.94),
    "Stornoway": (58.21, -6.39),
    UNPLACED: (56.6, -4.3),
}
BOARD_AREA_TOWNS: Final[dict[str, str]] = {
    "Ayrshire and Arran": "Ayr",
    "Borders": "Melrose",
    "Dumfries and Galloway": "Dumfries",
    "Fife": "Kirkcaldy",
    "Forth Valley": "Stirling",
    "Grampian": "Aberdeen",
    "Greater Glasgow and Clyde": "Glasgow",
    "Highland": "Inverness",
    "Lanarkshire": "Hamilton",
    "Lothian": "Edinburgh",
    "Orkney": "Kirkwall",
    "Shetland": "Lerwick",
    "Tayside": "Dundee",
    "Western Isles": "Stornoway",
}


@dataclass(frozen=True)
class CountryCount:
    code: str
    label: str
    names: tuple[str, ...]
    partnerships: int


@dataclass(frozen=True)
class Institution:
    iri: str
    label: str
    partnerships: int


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    institutions: list[Institution] = field(default_factory=list)

    @property
    def partnerships(self) -> int:
        return sum(item.partnerships for item in self.institutions)


@dataclass(frozen=True)
class Links:
    """One partnership's links: from the places of its Scottish members to its countries."""

    key: str
    label: str
    countries: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class MapData:
    countries: list[CountryCount]
    places: list[Place]
    links: Links | None = None
    linkable: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """What the map script reads (embedded in the page as JSON)."""
        return {
            "countries": [
                {"code": c.code, "label": c.label, "names": list(c.names), "count": c.partnerships}
                for c in self.countries
            ],
            "places": [
                {"name": p.name, "lat": p.latitude, "lon": p.longitude, "count": p.partnerships,
                 "institutions": [i.label for i in p.institutions]}
                for p in self.places
            ],
            "links": None if self.links is None else {
                "key": self.links.key, "label": self.links.label,
                "countries": list(self.links.countries), "places": list(self.links.places),
            },
        }


def _place_of(city: str | None, area: str | None) -> str:
    if city:
        first = re.split(r"[;,]| and ", city)[0].strip()
        if first in GAZETTEER:
            return first
    if area and area in BOARD_AREA_TOWNS:
        return BOARD_AREA_TOWNS[area]
    return UNPLACED


def country_counts(store: Store, statistics: Mapping[str, Any] | None) -> list[CountryCount]:
    """Every country with its number of partnerships (from statistics when present)."""
    rows = store.select(sparql_prefixes() + """
        SELECT ?c ?code ?label (GROUP_CONCAT(?alt; SEPARATOR="|") AS ?alts) WHERE {
          ?c a schema:Country ; hg:isoCode ?code ; rdfs:label ?label .
          OPTIONAL { ?c skos:altLabel ?alt }
        } GROUP BY ?c ?code ?label""")
    per_country: Mapping[str, int] | None = (statistics or {}).get("partnerships_per_country")
    if per_country is None:
        per_country = {
            text(row, "c"): number(row, "n")
            for row in store.select(sparql_prefixes() + """SELECT ?c (COUNT(DISTINCT ?p) AS ?n)
                WHERE { ?p a hg:Partnership ; hg:country ?c } GROUP BY ?c""")
        }
    found = []
    for row in rows:
        alts = [a for a in text(row, "alts").split("|") if a] if "alts" in row else []
        found.append(CountryCount(
            code=text(row, "code"),
            label=text(row, "label"),
            names=(text(row, "label"), *alts),
            partnerships=int(per_country.get(text(row, "c"), 0)),
        ))
    found.sort(key=lambda c: (-c.partnerships, c.label))
    return found


_SCOTTISH_MEMBERS: Final = """
SELECT ?o ?label ?city ?area ?code (COUNT(DISTINCT ?p) AS ?n) WHERE {
  VALUES ?code { %s }
  ?country hg:isoCode ?code .
  ?o hg:country ?country ; rdfs:label ?label .
  ?p a hg:Partnership ; org:hasMember ?o .%s
  OPTIONAL { ?o hg:city ?city }
  OPTIONAL { ?o hg:area ?area }
} GROUP BY ?o ?label ?city ?area ?code
"""


def _scottish_members(store: Store, partnership: Literal | None = None) -> list[dict[str, Any]]:
    """Members in Scotland (or in the UK with a Scottish town) with their place."""
    codes = f"{Literal(SCOTLAND)} {Literal('GB')}"
    only = "" if partnership is None else f"\n  ?p hg:key {partnership} ."
    query = _SCOTTISH_MEMBERS % (codes, only)
    members: dict[str, dict[str, Any]] = {}
    for row in store.select(sparql_prefixes() + query):
        city = text(row, "city") if "city" in row else None
        area = text(row, "area") if "area" in row else None
        place = _place_of(city, area)
        if text(row, "code") != SCOTLAND and place == UNPLACED:
            continue  # a UK body with no Scottish town: not drawn in Scotland
        iri = text(row, "o")
        if iri not in members:
            members[iri] = {"iri": iri, "label": text(row, "label"), "place": place,
                            "n": number(row, "n")}
    return list(members.values())


def places(store: Store) -> list[Place]:
    """Scottish institutions taking part in partnerships, grouped by place."""
    grouped: dict[str, Place] = {}
    for member in _scottish_members(store):
        name = member["place"]
        latitude, longitude = GAZETTEER[name]
        place = grouped.setdefault(name, Place(name, latitude, longitude))
        place.institutions.append(Institution(member.get("iri", ""), member["label"], member["n"]))
    for place in grouped.values():
        place.institutions.sort(key=lambda i: (-i.partnerships, i.label))
    return sorted(grouped.values(), key=lambda p: (-p.partnerships, p.name))


def links(store: Store, key: str) -> Links | None:
    """The links of the partnership with `key`, or None when there is no such partnership."""
    rows = store.select(sparql_prefixes() + f"""
        SELECT ?label ?code WHERE {{
          ?p hg:key {Literal(key)} ; a hg:Partnership ; rdfs:label ?label .
          OPTIONAL {{ ?p hg:country/hg:isoCode ?code }}
        }}""")
    if not rows:
        return None
    codes = sorted({text(row, "code") for row in rows if "code" in row})
    member_places = sorted({m["place"] for m in _scottish_members(store, Literal(key))})
    return Links(key, text(rows[0], "label"), tuple(codes), tuple(member_places))


def linkable(store: Store, limit: int = 500) -> list[tuple[str, str]]:
    """(key, label) of partnerships with a Scottish member, for the 'show links' choice."""
    rows = store.select(sparql_prefixes() + f"""
        SELECT DISTINCT ?key ?label WHERE {{
          VALUES ?code {{ {Literal(SCOTLAND)} }}
          ?country hg:isoCode ?code .
          ?o hg:country ?country .
          ?p a hg:Partnership ; org:hasMember ?o ; hg:key ?key ; rdfs:label ?label .
        }} ORDER BY LCASE(STR(?label)) LIMIT {int(limit)}""")
    return [(text(row, "key"), text(row, "label")) for row in rows]


def map_data(store: Store, statistics: Mapping[str, Any] | None, partnership: str | None) -> MapData:
    return MapData(
        countries=country_counts(store, statistics),
        places=places(store),
        links=links(store, partnership) if partnership else None,
        linkable=linkable(store),
    )
