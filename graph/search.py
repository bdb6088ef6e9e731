"""Partnership search: filters, result pages and facet counts, as SPARQL over one store.

Filter values arrive as text, are checked here (`Filters.parse`) and enter a query only as
RDF terms written by pyoxigraph (`VALUES` rows), never pasted. With no filter at all, the
counts come from the version's precomputed statistics instead of a scan; with the version's
search index (`graph/search_index.py`), every other count and the page order come from SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final, Protocol

from healthgraph.graph.iris import GSS_PATTERN, ISO_3166_PATTERN, SLUG_PATTERN, IriMinter
from healthgraph.graph.namespaces import HG, sparql_prefixes
from healthgraph.graph.rows import number, text
from healthgraph.graph.store import Store, Term
from pyoxigraph import Literal, NamedNode

if TYPE_CHECKING:
    from healthgraph.graph.search_index import SearchIndex

PAGE_SIZE: Final = 25
MAX_KEYWORD_LENGTH: Final = 200

KINDS: Final[dict[str, tuple[str, str]]] = {
    "nhs-board": (f"{HG}HealthBoard", "NHS board"),
    "university": (f"{HG}University", "University"),
    "hospital": (f"{HG}Hospital", "Hospital"),
    "charity": (f"{HG}Charity", "Charity"),
    "ngo": (f"{HG}NonGovernmentalOrganisation", "Non-governmental organisation"),
    "government": (f"{HG}GovernmentBody", "Government body"),
    "ministry-of-health": (f"{HG}MinistryOfHealth", "Ministry of health"),
    "professional-body": (f"{HG}ProfessionalBody", "Professional body"),
    "international-organisation": (f"{HG}InternationalOrganisation", "International organisation"),
    "research-institute": (f"{HG}ResearchInstitute", "Research institute"),
    "other": (f"{HG}OtherOrganisation", "Other organisation"),
}
"""Kinds of member organisation a search can ask for: URL value -> (class, label)."""

FACETS: Final = ("country", "board", "theme", "kind", "decade")
"""Facets: the four filters, and decades of the established year (which set `from`/`to`)."""


class FilterError(ValueError):
    """A search parameter whose value cannot be used; `field` names the form field."""

    def __init__(self, field_name: str, value: str, expected: str) -> None:
        self.field = field_name
        self.value = value
        self.expected = expected
        super().__init__(f"{field_name}: {value!r} is not {expected}")


def _year(name: str, raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{1,4}", raw):
        raise FilterError(name, raw, "a year (up to four digits)")
    return int(raw)


@dataclass(frozen=True)
class Filters:
    """One search: every field optional. Values are already checked."""

    q: str = ""
    country: str | None = None
    board: str | None = None
    theme: str | None = None
    kind: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """Filters from URL parameters; `FilterError` on a value that does not fit."""
        q = " ".join(params.get("q", "").split())[:MAX_KEYWORD_LENGTH]
        country = params.get("country", "").strip().upper() or None
        if country and not ISO_3166_PATTERN.match(country):
            raise FilterError("country", country, "an ISO 3166 code such as MW or GB-SCT")
        board = params.get("board", "").strip() or None
        if board and not (GSS_PATTERN.match(board) or SLUG_PATTERN.match(board)):
            raise FilterError("board", board, "a GSS code (S08000024) or a board key (nhs-lothian)")
        theme = params.get("theme", "").strip() or None
        if theme and not SLUG_PATTERN.match(theme):
            raise FilterError("theme", theme, "a theme key (lower-case letters, digits, hyphens)")
        kind = params.get("kind", "").strip() or None
        if kind and kind not in KINDS:
            raise FilterError("kind", kind, "one of " + ", ".join(KINDS))
        page_text = params.get("page", "1").strip() or "1"
        if not page_text.isdigit() or int(page_text) < 1:
            raise FilterError("page", page_text, "a page number from 1")
        return cls(
            q=q,
            country=country,
            board=board,
            theme=theme,
            kind=kind,
            year_from=_year("from", params.get("from", "")),
            year_to=_year("to", params.get("to", "")),
            page=min(int(page_text), 10_000),
        )

    @property
    def empty(self) -> bool:
        return not (self.q or self.country or self.board or self.theme or self.kind
                    or self.year_from is not None or self.year_to is not None)

    def params(self, **changes: Any) -> dict[str, str]:
        """The URL parameters of these filters (with `changes`), for shareable links."""
        values = {
            "q": self.q,
            "country": self.country,
            "board": self.board,
            "theme": self.theme,
            "kind": self.kind,
            "from": self.year_from,
            "to": self.year_to,
            "page": self.page if self.page != 1 else None,
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def without(self, name: str) -> Filters:
        """These filters minus one facet's (`decade` drops the year range)."""
        changes: dict[str, Any] = {"page": 1}
        if name == "decade":
            changes.update(year_from=None, year_to=None)
        else:
            changes[name] = None
        return replace(self, **changes)


@dataclass(frozen=True)
class Hit:
    key: str
    iri: str
    label: str
    summary: str = ""
    start_year: int | None = None
    end_year: int | None = None
    status: str = ""
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    filters: Filters
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True)
class Labels:
    """Names for facet values: countries by ISO code, boards by key, themes by slug."""

    countries: dict[str, str]
    boards: dict[str, str]
    themes: dict[str, str]
    country_iri: dict[str, str]
    board_iri: dict[str, str]


def _term(term: Term) -> str:
    """A term as SPARQL text, written by pyoxigraph (so it is always well-formed)."""
    return str(term)


def _where(filters: Filters, minter: IriMinter) -> str:
    """The graph pattern selecting ?p for `filters`."""
    parts = ["?p a hg:Partnership ."]
    if filters.country:
        parts.append(f"VALUES ?fCode {{ {_term(Literal(filters.country))} }} "
                     "?fCountry hg:isoCode ?fCode . ?p hg:country ?fCountry .")
    if filters.board:
        parts.append(f"VALUES ?fBoardKey {{ {_term(Literal(filters.board))} }} "
                     "?fBoard hg:key|hg:gssCode ?fBoardKey . ?fBoard a hg:HealthBoard . "
                     "?p org:hasMember ?fBoard .")
    if filters.theme:
        parts.append(f"?p hg:theme {_term(NamedNode(minter.theme(filters.theme)))} .")
    if filters.kind:
        kind_class = NamedNode(KINDS[filters.kind][0])
        parts.append(f"?p org:hasMember ?fMember . ?fMember a {_term(kind_class)} .")
    if filters.year_from is not None or filters.year_to is not None:
        parts.append("?p hg:startYear ?fYear .")
        if filters.year_from is not None:
            parts.append(f"FILTER(?fYear >= {_term(Literal(filters.year_from))})")
        if filters.year_to is not None:
            parts.append(f"FILTER(?fYear <= {_term(Literal(filters.year_to))})")
    if filters.q:
        parts.append(
            "?p rdfs:label ?fLabel . OPTIONAL { ?p dcterms:description ?fSummary } "
            "OPTIONAL { ?p hg:place ?fPlace } "
            'BIND(LCASE(CONCAT(STR(?fLabel), " ", COALESCE(STR(?fSummary), ""), " ", '
            'COALESCE(STR(?fPlace), ""))) AS ?fText)'
        )
        for word in filters.q.lower().split():
            parts.append(f"FILTER(CONTAINS(?fText, {_term(Literal(word))}))")
    return "\n  ".join(parts)


def _count(store: Store, filters: Filters, minter: IriMinter) -> int:
    rows = store.select(sparql_prefixes() + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {\n  "
                        + _where(filters, minter) + "\n}")
    return number(rows[0], "n") if rows else 0


def _page(store: Store, filters: Filters, minter: IriMinter) -> list[tuple[str, str]]:
    """(IRI, label) rows of one page, by lower-cased label then IRI."""
    offset = (filters.page - 1) * PAGE_SIZE
    rows = store.select(
        sparql_prefixes()
        + "SELECT ?p ?label WHERE { { SELECT DISTINCT ?p WHERE {\n  " + _where(filters, minter)
        + "\n} } ?p rdfs:label ?label } ORDER BY LCASE(STR(?label)) ?p "
        + f"LIMIT {PAGE_SIZE} OFFSET {offset}"
    )
    return [(text(row, "p"), text(row, "label")) for row in rows]


def _hits(store: Store, keys: list[tuple[str, str]]) -> list[Hit]:
    """The page's rows with what a hit shows (one query for the page)."""
    if not keys:
        return []
    values = " ".join(_term(NamedNode(iri)) for iri, _label in keys)
    details = store.select(
        sparql_prefixes()
        + "SELECT ?p ?key ?summary ?start ?end ?status ?countryLabel WHERE {\n"
        + f"  VALUES ?p {{ {values} }}\n"
        + "  ?p hg:key ?key .\n"
        + "  OPTIONAL { ?p dcterms:description ?summary }\n"
        + "  OPTIONAL { ?p hg:startYear ?start }\n"
        + "  OPTIONAL { ?p hg:endYear ?end }\n"
        + "  OPTIONAL { ?p hg:status ?status }\n"
        + "  OPTIONAL { ?p hg:country/rdfs:label ?countryLabel }\n"
        + "}"
    )
    info: dict[str, dict[str, Any]] = {}
    for row in details:
        entry = info.setdefault(text(row, "p"), {"countries": []})
        for name in ("key", "summary", "start", "end", "status"):
            if name in row:
                entry[name] = text(row, name)
        if "countryLabel" in row and text(row, "countryLabel") not in entry["countries"]:
            entry["countries"].append(text(row, "countryLabel"))
    hits = []
    for iri, label in keys:
        entry = info.get(iri, {"countries": []})
        hits.append(
            Hit(
                key=entry.get("key", iri.rsplit("/", 1)[-1]),
                iri=iri,
                label=label,
                summary=entry.get("summary", ""),
                start_year=int(entry["start"]) if "start" in entry else None,
                end_year=int(entry["end"]) if "end" in entry else None,
                status=entry.get("status", ""),
                countries=tuple(sorted(entry["countries"])),
            )
        )
    return hits


_FACET_QUERIES: Final[dict[str, str]] = {
    "country": "?p hg:country ?c . ?c hg:isoCode ?value .",
    "board": "?p org:hasMember ?b . ?b a hg:HealthBoard ; hg:key ?value .",
    "theme": "?p hg:theme ?value .",
    "decade": "?p hg:startYear ?year . BIND(FLOOR(?year / 10) * 10 AS ?value)",
    "kind": "VALUES (?value ?kc) { " + " ".join(
        f"({_term(Literal(kind))} {_term(NamedNode(cls))})" for kind, (cls, _label) in KINDS.items()
    ) + " } ?p org:hasMember ?m . ?m a ?kc .",
}


def _facet_counts(store: Store, name: str, filters: Filters, minter: IriMinter) -> dict[str, int]:
    """How many partnerships each value of facet `name` gives, the other filters kept."""
    rows = store.select(
        sparql_prefixes()
        + "SELECT ?value (COUNT(DISTINCT ?p) AS ?n) WHERE {\n  "
        + _where(filters.without(name), minter) + "\n  " + _FACET_QUERIES[name]
        + "\n} GROUP BY ?value"
    )
    counts: dict[str, int] = {}
    for row in rows:
        value = text(row, "value")
        if name == "decade":
            value = str(int(float(value)))
        if name == "theme":
            value = value.rsplit("/", 1)[-1]
        counts[value] = number(row, "n")
    return counts


def _statistics_counts(name: str, statistics: Mapping[str, Any], labels: Labels) -> dict[str, int] | None:
    """Facet counts for an unfiltered search, read from the version's statistics."""
    if name == "country" and "partnerships_per_country" in statistics:
        by_iri = {iri: code for code, iri in labels.country_iri.items()}
        return {by_iri[iri]: n for iri, n in statistics["partnerships_per_country"].items()
                if iri in by_iri}
    if name == "board" and "partnerships_per_board" in statistics:
        by_iri = {iri: key for key, iri in labels.board_iri.items()}
        return {by_iri[iri]: n for iri, n in statistics["partnerships_per_board"].items()
                if iri in by_iri}
    if name == "theme" and "partnerships_per_theme" in statistics:
        return {iri.rsplit("/", 1)[-1]: n for iri, n in statistics["partnerships_per_theme"].items()}
    if name == "decade" and "partnerships_per_start_year" in statistics:
        decades: dict[str, int] = {}
        for year, n in statistics["partnerships_per_start_year"].items():
            decade = str(int(year) // 10 * 10)
            decades[decade] = decades.get(decade, 0) + int(n)  # one start year per partnership
        return decades
    if name == "kind" and "partnerships_per_member_class" in statistics:
        per_class = statistics["partnerships_per_member_class"]
        return {kind: per_class[cls] for kind, (cls, _label) in KINDS.items() if cls in per_class}
    return None


def labels(store: Store) -> Labels:
    """Names of every country, health board and theme (small lists)."""
    countries: dict[str, str] = {}
    country_iri: dict[str, str] = {}
    for row in store.select(sparql_prefixes() + """SELECT ?c ?code ?label WHERE {
            ?c a schema:Country ; hg:isoCode ?code ; rdfs:label ?label }"""):
        countries[text(row, "code")] = text(row, "label")
        country_iri[text(row, "code")] = text(row, "c")
    boards: dict[str, str] = {}
    board_iri: dict[str, str] = {}
    for row in store.select(sparql_prefixes() + """SELECT ?b ?key ?label WHERE {
            ?b a hg:HealthBoard ; hg:key ?key ; rdfs:label ?label }"""):
        boards[text(row, "key")] = text(row, "label")
        board_iri[text(row, "key")] = text(row, "b")
    themes = {
        text(row, "t").rsplit("/", 1)[-1]: text(row, "label")
        for row in store.select(sparql_prefixes() + """SELECT ?t ?label WHERE {
            ?t a skos:Concept ; skos:prefLabel ?label }""")
    }
    return Labels(countries, boards, themes, country_iri, board_iri)


def _facet_label(name: str, value: str, names: Labels) -> str:
    if name == "country":
        return names.countries.get(value, value)
    if name == "board":
        return names.boards.get(value, value)
    if name == "theme":
        return names.themes.get(value, value)
    if name == "decade":
        return f"{value}s"
    return KINDS[value][1] if value in KINDS else value


class Answers(Protocol):
    """Where a search's total, page and facet counts come from: SPARQL over the store
    (`SparqlAnswers`) or the version's search index (`graph/search_index.py`)."""

    def count(self, filters: Filters) -> int: ...

    def page(self, filters: Filters) -> list[tuple[str, str]]:
        """(IRI, label) rows of the filters' page, by lower-cased label then IRI."""

    def facet_counts(self, name: str, filters: Filters) -> dict[str, int]: ...


@dataclass(frozen=True)
class SparqlAnswers:
    store: Store
    minter: IriMinter

    def count(self, filters: Filters) -> int:
        return _count(self.store, filters, self.minter)

    def page(self, filters: Filters) -> list[tuple[str, str]]:
        return _page(self.store, filters, self.minter)

    def facet_counts(self, name: str, filters: Filters) -> dict[str, int]:
        return _facet_counts(self.store, name, filters, self.minter)


def search(
    store: Store,
    filters: Filters,
    minter: IriMinter,
    statistics: Mapping[str, Any] | None = None,
    index: SearchIndex | None = None,
) -> SearchResult:
    """One page of partnerships matching `filters`, the total, and every facet's counts.

    With the version's search `index` the counting and paging run in SQLite, the same
    answers as the SPARQL; the hits' details and the facet labels come from the store."""
    with index.reader(minter) if index is not None else nullcontext(SparqlAnswers(store, minter)) as answers:
        return _search(store, filters, answers, statistics)


def _search(
    store: Store, filters: Filters, answers: Answers, statistics: Mapping[str, Any] | None
) -> SearchResult:
    names = labels(store)
    if filters.empty and statistics and "classes" in statistics:
        total = int(statistics["classes"].get(f"{HG}Partnership", 0))
    else:
        total = answers.count(filters)
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts = None
        if filters.without(name).empty and statistics:
            counts = _statistics_counts(name, statistics, names)
        if counts is None:
            counts = answers.facet_counts(name, filters)
        values = [FacetValue(value, _facet_label(name, value, names), n)
                  for value, n in counts.items() if n > 0]
        if name == "decade":
            values.sort(key=lambda v: -int(v.value))
        else:
            values.sort(key=lambda v: (-v.count, v.label.lower()))
        facets[name] = values
    keys = answers.page(filters)
    return SearchResult(filters, total, _hits(store, keys), facets)
